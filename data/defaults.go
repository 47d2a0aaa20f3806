package data

// DefaultZones are the treatable zones with DOMAIN.md's typical depths and warning depths.
var DefaultZones = []Zone{
	{Name: "Forehead", Region: RegionFace, MapKey: "forehead", TypicalMin: 0.25, TypicalMax: 0.75, WarnAbove: 1.0},
	{Name: "Glabella", Region: RegionFace, MapKey: "glabella", TypicalMin: 0.25, TypicalMax: 1.0, WarnAbove: 1.0},
	{Name: "Periorbital / under-eye", Region: RegionFace, MapKey: "periorbital", TypicalMin: 0.2, TypicalMax: 0.3, WarnAbove: 0.5},
	{Name: "Nose", Region: RegionFace, MapKey: "nose", TypicalMin: 0.25, TypicalMax: 0.5, WarnAbove: 0.75},
	{Name: "Perioral / upper lip", Region: RegionFace, MapKey: "perioral", TypicalMin: 0.25, TypicalMax: 0.75, WarnAbove: 1.0},
	{Name: "Cheeks", Region: RegionFace, MapKey: "cheeks", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 2.0},
	{Name: "Chin", Region: RegionFace, MapKey: "chin", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 2.0},
	{Name: "Jawline", Region: RegionFace, MapKey: "jawline", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 2.0},
	{Name: "Neck", Region: RegionNeck, MapKey: "neck", TypicalMin: 0.25, TypicalMax: 0.5, WarnAbove: 0.75},
	{Name: "Décolletage", Region: RegionNeck, MapKey: "decolletage", TypicalMin: 0.25, TypicalMax: 0.5, WarnAbove: 1.0},
	{Name: "Scalp", Region: RegionScalp, MapKey: "scalp", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 1.5},
	{Name: "Abdomen", Region: RegionBody, MapKey: "abdomen", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
	{Name: "Thighs", Region: RegionBody, MapKey: "thighs", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
	{Name: "Arms", Region: RegionBody, MapKey: "arms", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
	{Name: "Buttocks", Region: RegionBody, MapKey: "buttocks", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
}

// DefaultListItems are the vocabularies, each in its display order.
var DefaultListItems = map[ListKind][]ListItem{
	ListConcern: {
		{Name: "Acne scars"}, {Name: "Other scars"}, {Name: "Fine lines and wrinkles"}, {Name: "Enlarged pores"},
		{Name: "Hyperpigmentation / dark spots", Category: CategoryPigment}, {Name: "Melasma", Category: CategoryPigment},
		{Name: "Uneven tone", Category: CategoryPigment}, {Name: "Skin elasticity"}, {Name: "Stretch marks"},
		{Name: "Hair loss (alopecia)"},
	},
	ListModality: {{Name: "None"}, {Name: "Radiofrequency"}, {Name: "PRP"}},
	ListEndpoint: {{Name: "Mild erythema"}, {Name: "Uniform erythema"}, {Name: "Pinpoint bleeding"}, {Name: "Petechiae"}},
	ListPattern: {{Name: "Cross-hatch (horizontal, vertical, diagonal)"}, {Name: "Linear strokes"}, {Name: "Circular"},
		{Name: "Stamping"}},
	ListSideEffect: {
		{Name: "Erythema", Category: CategoryExpected}, {Name: "Oedema / swelling", Category: CategoryExpected},
		{Name: "Pinpoint bleeding", Category: CategoryExpected}, {Name: "Bruising", Category: CategoryExpected},
		{Name: "Tightness", Category: CategoryExpected}, {Name: "Itching", Category: CategoryExpected},
		{Name: "Stinging", Category: CategoryExpected}, {Name: "Dryness / flaking", Category: CategoryExpected},
		{Name: "Minor irritation", Category: CategoryExpected},
		{Name: "Post-inflammatory hyperpigmentation", Category: CategoryLessCommon}, {Name: "Milia", Category: CategoryLessCommon},
		{Name: "Acne flare", Category: CategoryLessCommon}, {Name: "HSV reactivation", Category: CategoryLessCommon},
		{Name: "Contact dermatitis", Category: CategoryLessCommon}, {Name: "Crusting", Category: CategoryLessCommon},
		{Name: "Prolonged redness", Category: CategoryLessCommon},
		{Name: "Infection", Category: CategorySerious}, {Name: "Tram-track scarring", Category: CategorySerious},
		{Name: "Granuloma / hypersensitivity", Category: CategorySerious}, {Name: "Ulceration", Category: CategorySerious},
	},
	ListAftercare: {
		{Name: "Avoid sun exposure; broad-spectrum SPF daily"}, {Name: "Avoid AHA and retinol products"},
		{Name: "Stay hydrated"}, {Name: "Antioxidant serum"}, {Name: "Cooling mask"}, {Name: "Collagen-stimulating peptides"},
	},
	ListProductKind: {{Name: "Hyaluronic acid"}, {Name: "PRP"}, {Name: "Growth factors"}, {Name: "Peptides"},
		{Name: "Antioxidant"}, {Name: "Exosomes"}, {Name: ProductKindAnaesthetic}, {Name: "Other"}},
	ListPhotoView: {{Name: "Frontal"}, {Name: "Left 45°"}, {Name: "Right 45°"}, {Name: "Left 90° (profile)"},
		{Name: "Right 90° (profile)"}, {Name: "Close-up"}},
	ListSpeedUnit: {{Name: "level"}, {Name: "rpm"}, {Name: "fixed"}},
}

// DefaultDevices are common pens and a roller. Where a maker states no separate "evaluated up
// to" depth, it equals the maximum.
var DefaultDevices = []Device{
	{Model: "Dermapen 4", Kind: DevicePen, SpeedUnit: "level", MaxDepth: 3.0, EvaluatedDepth: 3.0, DepthStep: 0.1},
	{Model: "SkinPen Precision", Kind: DevicePen, SpeedUnit: "fixed", MaxDepth: 2.5, EvaluatedDepth: 1.5, DepthStep: 0.25},
	{Model: "Dr. Pen A6", Kind: DevicePen, SpeedUnit: "level", MaxDepth: 2.5, EvaluatedDepth: 2.5, DepthStep: 0.25},
	{Model: "Derma roller 1.0 mm", Kind: DeviceRoller, MaxDepth: 1.0, EvaluatedDepth: 1.0},
}

// DefaultCartridges are the usual needle configurations.
var DefaultCartridges = []Cartridge{
	{Name: "12-pin", Needles: 12}, {Name: "14-pin", Needles: 14}, {Name: "16-pin", Needles: 16},
	{Name: "36-pin", Needles: 36}, {Name: "Nano", Needles: 0},
}

// DefaultProducts are generic products to start from. Vitamin C serum is listed as not made for
// needled skin: granulomas have been reported after it was pushed into the dermis.
var DefaultProducts = []Product{
	{Name: "Hyaluronic acid serum (sterile)", Kind: "Hyaluronic acid", NeedledSkinOK: true},
	{Name: "Growth factor serum", Kind: "Growth factors", NeedledSkinOK: true},
	{Name: "Peptide serum", Kind: "Peptides", NeedledSkinOK: true},
	{Name: "Lidocaine 4% cream", Kind: ProductKindAnaesthetic, NeedledSkinOK: false,
		Notes: "Apply to intact skin before needling; remove fully before the first pass."},
	{Name: "Vitamin C serum (L-ascorbic acid)", Kind: "Antioxidant", NeedledSkinOK: false,
		Notes: "Not for needled skin: granuloma reports after use during microneedling."},
}

// DefaultRules are DOMAIN.md's contraindication table, one rule per condition.
var DefaultRules = []Rule{
	{Condition: "Isotretinoin (Accutane)", Action: RuleBlock, WindowDays: 180, Message: "No microneedling within 6 months of the last isotretinoin dose."},
	{Condition: "Anticoagulants / antiplatelets", Action: RuleWarn, Message: "Bleeding and bruising risk: confirm with the prescriber."},
	{Condition: "Bleeding disorder", Action: RuleWarn, Message: "Bleeding and bruising risk: confirm with the treating physician."},
	{Condition: "NSAIDs (ibuprofen, aspirin)", Action: RuleWarn, WindowDays: 7, Message: "NSAIDs should be stopped well before treatment."},
	{Condition: "Active infection in the area", Action: RuleBlock, Message: "Do not needle over an active infection."},
	{Condition: "Active or inflamed acne in the area", Action: RuleBlock, Message: "Do not needle over active, inflamed acne."},
	{Condition: "Open wounds in the area", Action: RuleBlock, Message: "Do not needle over open wounds."},
	{Condition: "Warts in the area", Action: RuleBlock, Message: "Needling can spread warts."},
	{Condition: "Herpes simplex, active lesion", Action: RuleBlock, Message: "Do not treat during an active cold sore."},
	{Condition: "Herpes simplex, history", Action: RuleWarn, Message: "Consider antiviral prophylaxis before treating the perioral area."},
	{Condition: "Keloid or hypertrophic scarring history", Action: RuleWarn, Message: "Risk of abnormal scarring; some practices treat this as absolute."},
	{Condition: "Pregnancy", Action: RuleBlock, Message: "Do not treat during pregnancy."},
	{Condition: "Breastfeeding", Action: RuleBlock, Message: "Do not treat while breastfeeding."},
	{Condition: "Active eczema in the area", Action: RuleBlock, Message: "Do not needle over active eczema."},
	{Condition: "Active psoriasis in the area", Action: RuleBlock, Message: "Do not needle over active psoriasis."},
	{Condition: "Active dermatitis in the area", Action: RuleBlock, Message: "Do not needle over active dermatitis."},
	{Condition: "Active rosacea in the area", Action: RuleBlock, Message: "Do not needle over active rosacea."},
	{Condition: "Uncontrolled diabetes", Action: RuleWarn, Message: "Healing may be slow and infection risk higher."},
	{Condition: "Immunosuppression", Action: RuleWarn, Message: "Healing may be slow and infection risk higher."},
	{Condition: "Autoimmune disease", Action: RuleWarn, Message: "Healing may be unpredictable: consider medical advice."},
	{Condition: "Active skin cancer in the area", Action: RuleBlock, Message: "Do not needle over skin cancer."},
	{Condition: "Actinic keratoses in the area", Action: RuleBlock, Message: "Do not needle over actinic keratoses."},
	{Condition: "Raised moles in the area", Action: RuleBlock, Message: "Do not needle over raised moles."},
	{Condition: "Chemotherapy", Action: RuleBlock, WindowDays: 90, Message: "No treatment within 3 months of chemotherapy."},
	{Condition: "Radiotherapy", Action: RuleBlock, WindowDays: 90, Message: "No treatment within 3 months of radiotherapy."},
	{Condition: "Chemical peel", Action: RuleWarn, WindowDays: 30, Message: "A chemical peel within 30 days: the skin may not have recovered."},
	{Condition: "Dermal filler", Action: RuleWarn, WindowDays: 180, Message: "Filler within 6 months: avoid needling over it."},
	{Condition: "Neuromodulator (botulinum toxin)", Action: RuleWarn, WindowDays: 90, Message: "Neuromodulator within 3 months: avoid needling over it."},
	{Condition: "Topical retinoids", Action: RuleWarn, WindowDays: 5, Message: "Retinoids within a few days make the skin more reactive."},
	{Condition: "AHA products", Action: RuleWarn, WindowDays: 5, Message: "AHA products within a few days make the skin more reactive."},
	{Condition: "Sunburn or fresh tan", Action: RuleWarn, WindowDays: 14, Message: "Sunburnt or freshly tanned skin raises the risk of pigmentation."},
}
