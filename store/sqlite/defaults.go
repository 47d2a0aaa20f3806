package sqlite

import (
	"context"
	"database/sql"
	"time"

	"needlelog.app/needlelog/data"
)

// DefaultZones are the treatable zones with DOMAIN.md's typical depths and warning depths.
var DefaultZones = []data.Zone{
	{Name: "Forehead", Region: data.RegionFace, MapKey: "forehead", TypicalMin: 0.25, TypicalMax: 0.75, WarnAbove: 1.0},
	{Name: "Glabella", Region: data.RegionFace, MapKey: "glabella", TypicalMin: 0.25, TypicalMax: 1.0, WarnAbove: 1.0},
	{Name: "Periorbital / under-eye", Region: data.RegionFace, MapKey: "periorbital", TypicalMin: 0.2, TypicalMax: 0.3, WarnAbove: 0.5},
	{Name: "Nose", Region: data.RegionFace, MapKey: "nose", TypicalMin: 0.25, TypicalMax: 0.5, WarnAbove: 0.75},
	{Name: "Perioral / upper lip", Region: data.RegionFace, MapKey: "perioral", TypicalMin: 0.25, TypicalMax: 0.75, WarnAbove: 1.0},
	{Name: "Cheeks", Region: data.RegionFace, MapKey: "cheeks", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 2.0},
	{Name: "Chin", Region: data.RegionFace, MapKey: "chin", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 2.0},
	{Name: "Jawline", Region: data.RegionFace, MapKey: "jawline", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 2.0},
	{Name: "Neck", Region: data.RegionNeck, MapKey: "neck", TypicalMin: 0.25, TypicalMax: 0.5, WarnAbove: 0.75},
	{Name: "Décolletage", Region: data.RegionNeck, MapKey: "decolletage", TypicalMin: 0.25, TypicalMax: 0.5, WarnAbove: 1.0},
	{Name: "Scalp", Region: data.RegionScalp, MapKey: "scalp", TypicalMin: 0.5, TypicalMax: 1.5, WarnAbove: 1.5},
	{Name: "Abdomen", Region: data.RegionBody, MapKey: "abdomen", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
	{Name: "Thighs", Region: data.RegionBody, MapKey: "thighs", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
	{Name: "Arms", Region: data.RegionBody, MapKey: "arms", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
	{Name: "Buttocks", Region: data.RegionBody, MapKey: "buttocks", TypicalMin: 1.5, TypicalMax: 2.0, WarnAbove: 2.5},
}

// DefaultListItems are the vocabularies, each in its display order.
var DefaultListItems = map[data.ListKind][]data.ListItem{
	data.ListConcern: {
		{Name: "Acne scars"}, {Name: "Other scars"}, {Name: "Fine lines and wrinkles"}, {Name: "Enlarged pores"},
		{Name: "Hyperpigmentation / dark spots", Category: data.CategoryPigment}, {Name: "Melasma", Category: data.CategoryPigment},
		{Name: "Uneven tone", Category: data.CategoryPigment}, {Name: "Skin elasticity"}, {Name: "Stretch marks"},
		{Name: "Hair loss (alopecia)"},
	},
	data.ListModality: {{Name: "None"}, {Name: "Radiofrequency"}, {Name: "PRP"}},
	data.ListEndpoint: {{Name: "Mild erythema"}, {Name: "Uniform erythema"}, {Name: "Pinpoint bleeding"}, {Name: "Petechiae"}},
	data.ListPattern: {{Name: "Cross-hatch (horizontal, vertical, diagonal)"}, {Name: "Linear strokes"}, {Name: "Circular"},
		{Name: "Stamping"}},
	data.ListSideEffect: {
		{Name: "Erythema", Category: data.CategoryExpected}, {Name: "Oedema / swelling", Category: data.CategoryExpected},
		{Name: "Pinpoint bleeding", Category: data.CategoryExpected}, {Name: "Bruising", Category: data.CategoryExpected},
		{Name: "Tightness", Category: data.CategoryExpected}, {Name: "Itching", Category: data.CategoryExpected},
		{Name: "Stinging", Category: data.CategoryExpected}, {Name: "Dryness / flaking", Category: data.CategoryExpected},
		{Name: "Minor irritation", Category: data.CategoryExpected},
		{Name: "Post-inflammatory hyperpigmentation", Category: data.CategoryLessCommon}, {Name: "Milia", Category: data.CategoryLessCommon},
		{Name: "Acne flare", Category: data.CategoryLessCommon}, {Name: "HSV reactivation", Category: data.CategoryLessCommon},
		{Name: "Contact dermatitis", Category: data.CategoryLessCommon}, {Name: "Crusting", Category: data.CategoryLessCommon},
		{Name: "Prolonged redness", Category: data.CategoryLessCommon},
		{Name: "Infection", Category: data.CategorySerious}, {Name: "Tram-track scarring", Category: data.CategorySerious},
		{Name: "Granuloma / hypersensitivity", Category: data.CategorySerious}, {Name: "Ulceration", Category: data.CategorySerious},
	},
	data.ListAftercare: {
		{Name: "Avoid sun exposure; broad-spectrum SPF daily"}, {Name: "Avoid AHA and retinol products"},
		{Name: "Stay hydrated"}, {Name: "Antioxidant serum"}, {Name: "Cooling mask"}, {Name: "Collagen-stimulating peptides"},
	},
	data.ListProductKind: {{Name: "Hyaluronic acid"}, {Name: "PRP"}, {Name: "Growth factors"}, {Name: "Peptides"},
		{Name: "Antioxidant"}, {Name: "Exosomes"}, {Name: data.ProductKindAnaesthetic}, {Name: "Other"}},
	data.ListPhotoView: {{Name: "Frontal"}, {Name: "Left 45°"}, {Name: "Right 45°"}, {Name: "Left 90° (profile)"},
		{Name: "Right 90° (profile)"}, {Name: "Close-up"}},
	data.ListSpeedUnit: {{Name: "level"}, {Name: "rpm"}, {Name: "fixed"}},
}

// DefaultDevices are common pens and a roller. Where a maker states no separate "evaluated up
// to" depth, it equals the maximum.
var DefaultDevices = []data.Device{
	{Model: "Dermapen 4", Kind: data.DevicePen, SpeedUnit: "level", MaxDepth: 3.0, EvaluatedDepth: 3.0, DepthStep: 0.1},
	{Model: "SkinPen Precision", Kind: data.DevicePen, SpeedUnit: "fixed", MaxDepth: 2.5, EvaluatedDepth: 1.5, DepthStep: 0.25},
	{Model: "Dr. Pen A6", Kind: data.DevicePen, SpeedUnit: "level", MaxDepth: 2.5, EvaluatedDepth: 2.5, DepthStep: 0.25},
	{Model: "Derma roller 1.0 mm", Kind: data.DeviceRoller, MaxDepth: 1.0, EvaluatedDepth: 1.0},
}

// DefaultCartridges are the usual needle configurations.
var DefaultCartridges = []data.Cartridge{
	{Name: "12-pin", Needles: 12}, {Name: "14-pin", Needles: 14}, {Name: "16-pin", Needles: 16},
	{Name: "36-pin", Needles: 36}, {Name: "Nano", Needles: 0},
}

// DefaultProducts are generic products to start from. Vitamin C serum is listed as not made for
// needled skin: granulomas have been reported after it was pushed into the dermis.
var DefaultProducts = []data.Product{
	{Name: "Hyaluronic acid serum (sterile)", Kind: "Hyaluronic acid", NeedledSkinOK: true},
	{Name: "Growth factor serum", Kind: "Growth factors", NeedledSkinOK: true},
	{Name: "Peptide serum", Kind: "Peptides", NeedledSkinOK: true},
	{Name: "Lidocaine 4% cream", Kind: data.ProductKindAnaesthetic, NeedledSkinOK: false,
		Notes: "Apply to intact skin before needling; remove fully before the first pass."},
	{Name: "Vitamin C serum (L-ascorbic acid)", Kind: "Antioxidant", NeedledSkinOK: false,
		Notes: "Not for needled skin: granuloma reports after use during microneedling."},
}

// DefaultRules are DOMAIN.md's contraindication table, one rule per condition.
var DefaultRules = []data.Rule{
	{Condition: "Isotretinoin (Accutane)", Action: data.RuleBlock, WindowDays: 180, Message: "No microneedling within 6 months of the last isotretinoin dose."},
	{Condition: "Anticoagulants / antiplatelets", Action: data.RuleWarn, Message: "Bleeding and bruising risk: confirm with the prescriber."},
	{Condition: "Bleeding disorder", Action: data.RuleWarn, Message: "Bleeding and bruising risk: confirm with the treating physician."},
	{Condition: "NSAIDs (ibuprofen, aspirin)", Action: data.RuleWarn, WindowDays: 7, Message: "NSAIDs should be stopped well before treatment."},
	{Condition: "Active infection in the area", Action: data.RuleBlock, Message: "Do not needle over an active infection."},
	{Condition: "Active or inflamed acne in the area", Action: data.RuleBlock, Message: "Do not needle over active, inflamed acne."},
	{Condition: "Open wounds in the area", Action: data.RuleBlock, Message: "Do not needle over open wounds."},
	{Condition: "Warts in the area", Action: data.RuleBlock, Message: "Needling can spread warts."},
	{Condition: "Herpes simplex, active lesion", Action: data.RuleBlock, Message: "Do not treat during an active cold sore."},
	{Condition: "Herpes simplex, history", Action: data.RuleWarn, Message: "Consider antiviral prophylaxis before treating the perioral area."},
	{Condition: "Keloid or hypertrophic scarring history", Action: data.RuleWarn, Message: "Risk of abnormal scarring; some practices treat this as absolute."},
	{Condition: "Pregnancy", Action: data.RuleBlock, Message: "Do not treat during pregnancy."},
	{Condition: "Breastfeeding", Action: data.RuleBlock, Message: "Do not treat while breastfeeding."},
	{Condition: "Active eczema in the area", Action: data.RuleBlock, Message: "Do not needle over active eczema."},
	{Condition: "Active psoriasis in the area", Action: data.RuleBlock, Message: "Do not needle over active psoriasis."},
	{Condition: "Active dermatitis in the area", Action: data.RuleBlock, Message: "Do not needle over active dermatitis."},
	{Condition: "Active rosacea in the area", Action: data.RuleBlock, Message: "Do not needle over active rosacea."},
	{Condition: "Uncontrolled diabetes", Action: data.RuleWarn, Message: "Healing may be slow and infection risk higher."},
	{Condition: "Immunosuppression", Action: data.RuleWarn, Message: "Healing may be slow and infection risk higher."},
	{Condition: "Autoimmune disease", Action: data.RuleWarn, Message: "Healing may be unpredictable: consider medical advice."},
	{Condition: "Active skin cancer in the area", Action: data.RuleBlock, Message: "Do not needle over skin cancer."},
	{Condition: "Actinic keratoses in the area", Action: data.RuleBlock, Message: "Do not needle over actinic keratoses."},
	{Condition: "Raised moles in the area", Action: data.RuleBlock, Message: "Do not needle over raised moles."},
	{Condition: "Chemotherapy", Action: data.RuleBlock, WindowDays: 90, Message: "No treatment within 3 months of chemotherapy."},
	{Condition: "Radiotherapy", Action: data.RuleBlock, WindowDays: 90, Message: "No treatment within 3 months of radiotherapy."},
	{Condition: "Chemical peel", Action: data.RuleWarn, WindowDays: 30, Message: "A chemical peel within 30 days: the skin may not have recovered."},
	{Condition: "Dermal filler", Action: data.RuleWarn, WindowDays: 180, Message: "Filler within 6 months: avoid needling over it."},
	{Condition: "Neuromodulator (botulinum toxin)", Action: data.RuleWarn, WindowDays: 90, Message: "Neuromodulator within 3 months: avoid needling over it."},
	{Condition: "Topical retinoids", Action: data.RuleWarn, WindowDays: 5, Message: "Retinoids within a few days make the skin more reactive."},
	{Condition: "AHA products", Action: data.RuleWarn, WindowDays: 5, Message: "AHA products within a few days make the skin more reactive."},
	{Condition: "Sunburn or fresh tan", Action: data.RuleWarn, WindowDays: 14, Message: "Sunburnt or freshly tanned skin raises the risk of pigmentation."},
}

// seedDefaults writes the default lists into a new database, inside its first migration.
func seedDefaults(ctx context.Context, tx *sql.Tx, now time.Time) error {
	ts := data.TimeText(now)
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	for i, z := range DefaultZones {
		if err := exec(`INSERT INTO zones (id, name, region, map_key, typical_min, typical_max, warn_above, position)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, newID(), z.Name, z.Region, z.MapKey, z.TypicalMin, z.TypicalMax, z.WarnAbove, i); err != nil {
			return err
		}
	}
	for _, kind := range data.ListKinds {
		for i, it := range DefaultListItems[kind] {
			if err := exec(`INSERT INTO list_items (id, kind, name, category, position) VALUES (?, ?, ?, ?, ?)`,
				newID(), kind, it.Name, it.Category, i); err != nil {
				return err
			}
		}
	}
	for _, d := range DefaultDevices {
		if err := exec(`INSERT INTO devices (id, model, kind, speed_unit, max_depth, evaluated_depth, depth_step, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, newID(), d.Model, d.Kind, d.SpeedUnit, d.MaxDepth, d.EvaluatedDepth, d.DepthStep, ts, ts); err != nil {
			return err
		}
	}
	for _, c := range DefaultCartridges {
		if err := exec(`INSERT INTO cartridges (id, name, needles) VALUES (?, ?, ?)`, newID(), c.Name, c.Needles); err != nil {
			return err
		}
	}
	for _, p := range DefaultProducts {
		if err := exec(`INSERT INTO products (id, name, kind, needled_skin_ok, notes) VALUES (?, ?, ?, ?, ?)`,
			newID(), p.Name, p.Kind, p.NeedledSkinOK, p.Notes); err != nil {
			return err
		}
	}
	for i, r := range DefaultRules {
		if err := exec(`INSERT INTO contraindication_rules (id, condition, action, window_days, message, position)
			VALUES (?, ?, ?, ?, ?, ?)`, newID(), r.Condition, r.Action, r.WindowDays, r.Message, i); err != nil {
			return err
		}
	}
	return exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, data.SettingAftercareSheet, "1")
}
