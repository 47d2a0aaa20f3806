package data_test

import (
	"errors"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

func TestValidClientPasses(t *testing.T) {
	t.Parallel()
	c := testkit.ValidClient()
	if err := c.Validate(testkit.Now); err != nil {
		t.Fatal(err)
	}
}

func TestClientValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(*data.Client)
		field string
	}{
		{"no name", func(c *data.Client) { c.FirstName, c.LastName = " ", "" }, "last_name"},
		{"born tomorrow", func(c *data.Client) { c.DateOfBirth = data.DateOf(testkit.Now).AddDays(1) }, "date_of_birth"},
		{"born 1899", func(c *data.Client) { c.DateOfBirth = data.NewDate(1899, 12, 31) }, "date_of_birth"},
		{"letters in phone", func(c *data.Client) { c.Phone = "call me" }, "phone"},
		{"short phone", func(c *data.Client) { c.Phone = "1234" }, "phone"},
		{"long phone", func(c *data.Client) { c.Phone = "1234567890123456" }, "phone"},
		{"email without @", func(c *data.Client) { c.Email = "anna.example.com" }, "email"},
		{"email without domain dot", func(c *data.Client) { c.Email = "anna@example" }, "email"},
		{"email with name", func(c *data.Client) { c.Email = "Anna <anna@example.com>" }, "email"},
		{"fitzpatrick 7", func(c *data.Client) { c.Fitzpatrick = 7 }, "fitzpatrick"},
		{"fitzpatrick -1", func(c *data.Client) { c.Fitzpatrick = -1 }, "fitzpatrick"},
		{"photo consent unknown", func(c *data.Client) { c.PhotoConsent = "everything" }, "photo_consent"},
		{"consent in the future", func(c *data.Client) { c.Consent.Signed = data.DateOf(testkit.Now).AddDays(2) }, "consent_signed"},
		{"consent date without form", func(c *data.Client) { c.Consent.Form = "" }, "consent_form"},
		{"consent form without date", func(c *data.Client) { c.Consent.Signed = data.Date{} }, "consent_signed"},
		{"history without condition", func(c *data.Client) { c.History[0].Condition = "" }, "history[0].condition"},
		{"history ends before start", func(c *data.Client) { c.History[0].Until = data.NewDate(2023, 1, 1) }, "history[0].until"},
		{"history starts in future", func(c *data.Client) {
			c.History[0].Since, c.History[0].Until = data.DateOf(testkit.Now).AddDays(3), data.Date{}
		}, "history[0].since"},
		{"notes too long", func(c *data.Client) { c.Notes = string(make([]byte, data.MaxTextLength+1)) }, "notes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := testkit.ValidClient()
			tc.edit(&c)
			testkit.ExpectFields(t, c.Validate(testkit.Now), tc.field)
		})
	}
}

func TestClientValidationBoundsThatPass(t *testing.T) {
	t.Parallel()
	for _, edit := range []func(*data.Client){
		func(c *data.Client) { c.FirstName = "" },  // one name is enough
		func(c *data.Client) { c.Fitzpatrick = 0 }, // not recorded
		func(c *data.Client) { c.Fitzpatrick = 6 },
		func(c *data.Client) { c.DateOfBirth = data.Date{} },
		func(c *data.Client) { c.DateOfBirth = data.DateOf(testkit.Now) },
		func(c *data.Client) { c.Phone = "(020) 7946-0958" },
		func(c *data.Client) { c.Consent = data.Consent{} },
		func(c *data.Client) { c.PhotoConsent = data.PhotoConsentMarketing },
	} {
		c := testkit.ValidClient()
		edit(&c)
		if err := c.Validate(testkit.Now); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestValidSessionPasses(t *testing.T) {
	t.Parallel()
	s := testkit.ValidSession("client")
	s.Status = data.StatusDraft
	if err := s.Validate(testkit.Now); err != nil {
		t.Fatal(err)
	}
}

func TestSessionValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(*data.Session)
		field string
	}{
		{"no client", func(s *data.Session) { s.ClientID = "" }, "client"},
		{"no date", func(s *data.Session) { s.StartedAt = time.Time{} }, "started_at"},
		{"two days ahead", func(s *data.Session) { s.StartedAt = testkit.Now.Add(48 * time.Hour) }, "started_at"},
		{"session 0", func(s *data.Session) { s.SeriesN = 0 }, "series_n"},
		{"series too long", func(s *data.Session) { s.SeriesOf = data.MaxSeriesLength + 1 }, "series_of"},
		{"n beyond series", func(s *data.Session) { s.SeriesN = 5 }, "series_n"},
		{"interval too short", func(s *data.Session) { s.IntervalDays = data.MinIntervalDays - 1 }, "interval_days"},
		{"interval too long", func(s *data.Session) { s.IntervalDays = data.MaxIntervalDays + 1 }, "interval_days"},
		{"anaesthetic too long", func(s *data.Session) { s.Anaesthetic.Minutes = data.MaxAnaestheticMins + 1 }, "anaesthetic_minutes"},
		{"anaesthetic negative", func(s *data.Session) { s.Anaesthetic.Minutes = -1 }, "anaesthetic_minutes"},
		{"cartridge lot without cartridge", func(s *data.Session) { s.Cartridge.CartridgeID = "" }, "cartridge"},
		{"pain 11", func(s *data.Session) { s.PainScore.V = 11 }, "pain_score"},
		{"pain -1", func(s *data.Session) { s.PainScore.V = -1 }, "pain_score"},
		{"negative price", func(s *data.Session) { s.PriceCents.V = -1 }, "price"},
		{"due before session", func(s *data.Session) { s.NextDue = data.DateOf(testkit.Now).AddDays(-2) }, "next_due"},
		{"unknown status", func(s *data.Session) { s.Status = "final" }, "status"},
		{"zone without name", func(s *data.Session) { s.Zones[0].Zone = "" }, "zones[0].zone"},
		{"zone twice", func(s *data.Session) { s.Zones[1].Zone = "cheeks" }, "zones[1].zone"},
		{"depth below 0.1", func(s *data.Session) { s.Zones[1].DepthMM = 0.09 }, "zones[1].depth_mm"},
		{"depth above 3.0", func(s *data.Session) { s.Zones[0].DepthMM = 3.01 }, "zones[0].depth_mm"},
		{"no passes", func(s *data.Session) { s.Zones[0].Passes = 0 }, "zones[0].passes"},
		{"41 passes", func(s *data.Session) { s.Zones[0].Passes = 41 }, "zones[0].passes"},
		{"negative speed", func(s *data.Session) { s.Zones[0].Speed = -1 }, "zones[0].speed"},
		{"product without product", func(s *data.Session) {
			s.Products = []data.ProductUse{{Phase: data.PhaseAfter}}
		}, "products[0].product"},
		{"product in unknown phase", func(s *data.Session) {
			s.Products = []data.ProductUse{{ProductID: "p", Phase: "later"}}
		}, "products[0].phase"},
		{"none observed yet listed", func(s *data.Session) { s.NoSideEffects = true }, "no_side_effects"},
		{"side effect without kind", func(s *data.Session) { s.SideEffects[0].Kind = " " }, "side_effects[0].kind"},
		{"side effect unknown severity", func(s *data.Session) { s.SideEffects[0].Severity = "awful" }, "side_effects[0].severity"},
		{"side effect without onset", func(s *data.Session) { s.SideEffects[0].DuringSession = false }, "side_effects[0].onset"},
		{"side effect starts before session", func(s *data.Session) {
			s.SideEffects[0].Onset = data.DateOf(testkit.Now).AddDays(-1)
		}, "side_effects[0].onset"},
		{"side effect starts in future", func(s *data.Session) {
			s.SideEffects[0].Onset = data.DateOf(testkit.Now).AddDays(1)
		}, "side_effects[0].onset"},
		{"side effect resolved in future", func(s *data.Session) {
			s.SideEffects[0].Onset, s.SideEffects[0].Resolved = data.DateOf(testkit.Now), data.DateOf(testkit.Now).AddDays(1)
		}, "side_effects[0].resolved"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := testkit.ValidSession("client")
			s.Status = data.StatusDraft
			tc.edit(&s)
			testkit.ExpectFields(t, s.Validate(testkit.Now), tc.field)
		})
	}
}

func TestSessionDepthAndPassBoundsPass(t *testing.T) {
	t.Parallel()
	for _, z := range []data.ZoneTreatment{
		{Zone: "Neck", DepthMM: data.MinDepthMM, Passes: data.MinPasses},
		{Zone: "Abdomen", DepthMM: data.MaxDepthMM, Passes: data.MaxPasses},
	} {
		s := testkit.ValidSession("client")
		s.Status = data.StatusDraft
		s.Zones = []data.ZoneTreatment{z}
		if err := s.Validate(testkit.Now); err != nil {
			t.Errorf("%+v: %v", z, err)
		}
	}
}

func TestValidationListsEveryProblem(t *testing.T) {
	t.Parallel()
	s := testkit.ValidSession("")
	s.Status = data.StatusDraft
	s.Zones[0].DepthMM = 4
	s.PainScore.V = 12
	s.Cartridge.CartridgeID = ""
	testkit.ExpectFields(t, s.Validate(testkit.Now), "client", "cartridge", "pain_score", "zones[0].depth_mm")
	var ve *data.ValidationError
	errors.As(s.Validate(testkit.Now), &ve)
	if ve.For("zones[0].depth_mm") != "Depth for Cheeks must be 0.1 to 3.0 mm." {
		t.Fatalf("depth message: %q", ve.For("zones[0].depth_mm"))
	}
}

func TestZoneDeviceAndRuleValidation(t *testing.T) {
	t.Parallel()
	z := data.Zone{Name: "Ear", Region: "leg", TypicalMin: 1, TypicalMax: 0.5, WarnAbove: 4}
	testkit.ExpectFields(t, z.Validate(), "region", "warn_above", "typical_max")
	d := data.Device{Model: "Pen", Kind: data.DevicePen, MaxDepth: 2.5, EvaluatedDepth: 3}
	testkit.ExpectFields(t, d.Validate(), "evaluated_depth")
	d = data.Device{Kind: "laser", MaxDepth: 3.5, EvaluatedDepth: 1, DepthStep: 2}
	testkit.ExpectFields(t, d.Validate(), "model", "kind", "max_depth", "depth_step")
	r := data.Rule{Condition: "Pregnancy", Action: "maybe", WindowDays: -1}
	testkit.ExpectFields(t, r.Validate(), "action", "window_days")
}

func TestDate(t *testing.T) {
	t.Parallel()
	d, err := data.ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" || d.AddDays(1).String() != "2024-03-01" {
		t.Fatalf("parse leap day: %v %v", d, err)
	}
	if _, err := data.ParseDate("2023-02-29"); err == nil {
		t.Fatal("2023-02-29 parsed")
	}
	if z, err := data.ParseDate(""); err != nil || !z.IsZero() || z.String() != "" {
		t.Fatal("empty date")
	}
	if got := data.NewDate(2026, 3, 10).YearsSince(data.NewDate(2000, 3, 11)); got != 25 {
		t.Fatalf("age the day before a birthday: %d", got)
	}
	if got := data.NewDate(2026, 3, 10).DaysSince(data.NewDate(2026, 2, 10)); got != 28 {
		t.Fatalf("days: %d", got)
	}
}

// The currency and the date order are checked as the data layer reads them, whoever stores them.
func TestValidateSettingCurrencyAndDateOrder(t *testing.T) {
	t.Parallel()
	for key, bad := range map[string]string{data.SettingCurrency: "euros", data.SettingDateOrder: "ymd"} {
		if err := data.ValidateSetting(key, bad); err == nil {
			t.Errorf("%s %q was accepted", key, bad)
		}
	}
	for key, good := range map[string]string{data.SettingCurrency: "eur", data.SettingDateOrder: "mdy"} {
		if err := data.ValidateSetting(key, good); err != nil {
			t.Errorf("%s %q: %v", key, good, err)
		}
	}
}
