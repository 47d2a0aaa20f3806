package sqlite_test

import (
	"context"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestZonesAndDevices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	z := data.Zone{Name: "Hands", Region: data.RegionBody, MapKey: "hands", TypicalMin: 0.5, TypicalMax: 1.0, WarnAbove: 1.5, Position: 20}
	if err := s.SaveZone(ctx, &z); err != nil {
		t.Fatal(err)
	}
	zones, _ := s.Zones(ctx, false)
	if last := zones[len(zones)-1]; last != z {
		t.Fatalf("saved zone read back as %+v", last)
	}
	bad := data.Zone{Name: "Ears", Region: data.RegionFace, TypicalMin: 0.5, TypicalMax: 0.25, WarnAbove: 1}
	testkit.ExpectFields(t, s.SaveZone(ctx, &bad), "typical_max")

	devices, _ := s.Devices(ctx, false)
	i := slices.IndexFunc(devices, func(d data.Device) bool { return d.Model == "SkinPen Precision" })
	if i < 0 || devices[i].EvaluatedDepth != 1.5 || devices[i].MaxDepth != 2.5 || devices[i].SpeedUnit != "fixed" {
		t.Fatalf("SkinPen default: %+v", devices)
	}
	d := devices[i]
	d.Retired = true
	if err := s.SaveDevice(ctx, &d); err != nil {
		t.Fatal(err)
	}
	if now, _ := s.Devices(ctx, false); len(now) != len(devices)-1 {
		t.Fatalf("retired device still offered")
	}
	rf := data.Device{Model: "RF Pro", Kind: data.DeviceRF, SpeedUnit: "level", MaxDepth: 3.0, EvaluatedDepth: 2.0, DepthStep: 0.5}
	if err := s.SaveDevice(ctx, &rf); err != nil || rf.ID == "" {
		t.Fatalf("new device: %v", err)
	}
}
