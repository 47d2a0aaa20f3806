package data

// NotForNeedledSkin says whether applying prod in phase puts a product not made for needled skin
// on needled skin: during the needling, which pushes it into the dermis, or after it, while the
// channels are still open. Before the needling any product may be used. The safety check blocks
// the first and warns of the second; documents mark both.
func NotForNeedledSkin(prod Product, phase Phase) bool {
	return !prod.NeedledSkinOK && (phase == PhaseDuring || phase == PhaseAfter)
}
