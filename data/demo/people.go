package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"needlelog.app/needlelog/data"
)

// culture is a naming tradition. A name written in another script carries its usual Latin
// spelling after "=", for the email address.
type culture struct {
	weight       int
	female, male []string
	last         []string
	lastMale     []string // men's forms of last, one for one, where surnames have them
}

var cultures = []culture{
	{weight: 22, // English and Irish
		female: []string{"Emma", "Olivia", "Charlotte", "Sophie", "Grace", "Hannah", "Chloe", "Zoë", "Siobhán", "Aoife", "Niamh", "Ciara", "Rachel", "Megan"},
		male:   []string{"James", "Daniel", "Liam", "Connor", "Oliver", "Tom"},
		last:   []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Walsh", "O'Connor", "Murphy", "Kelly", "Byrne", "Hughes", "Clarke", "Bennett", "Fitzgerald"}},
	{weight: 8,
		female: []string{"Léa", "Chloé", "Manon", "Camille", "Élodie", "Inès", "Océane", "Margaux", "Anaïs", "Hélène"},
		male:   []string{"Théo", "Lucas", "Julien", "Mathéo"},
		last:   []string{"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Rousseau", "Mercier", "Lemaître", "Faure"}},
	{weight: 10, // Spanish and Latin American
		female: []string{"María", "Lucía", "Sofía", "Valentina", "Camila", "Ximena", "Guadalupe", "Inés", "Begoña", "Ainhoa"},
		male:   []string{"José", "Alejandro", "Andrés", "Joaquín"},
		last:   []string{"García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Núñez", "Ibáñez", "Muñoz", "García-López"}},
	{weight: 4,
		female: []string{"Ana", "Beatriz", "Leonor", "Mariana", "Letícia", "Conceição"},
		male:   []string{"João", "Gonçalo", "Tiago"},
		last:   []string{"Silva", "Santos", "Ferreira", "Pereira", "Gonçalves", "Araújo", "Magalhães"}},
	{weight: 7,
		female: []string{"Lena", "Hannah", "Leonie", "Marie", "Jana", "Käthe", "Svenja", "Annika"},
		male:   []string{"Jürgen", "Lukas", "Maximilian", "Jörg"},
		last:   []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Köhler", "Groß", "Schäfer", "Krüger", "Hoffmann", "Wagner"}},
	{weight: 4, // Nordic
		female: []string{"Ingrid", "Astrid", "Sigrid", "Freja", "Maja", "Åsa", "Linnéa", "Sølvi"},
		male:   []string{"Søren", "Bjørn", "Mikkel"},
		last:   []string{"Johansson", "Andersson", "Nilsson", "Lindqvist", "Ødegård", "Sørensen", "Bjørklund", "Åkesson", "Halvorsen"}},
	{weight: 6,
		female:   []string{"Agnieszka", "Małgorzata", "Katarzyna", "Zofia", "Wiktoria", "Joanna", "Żaneta"},
		male:     []string{"Łukasz", "Paweł", "Wojciech"},
		last:     []string{"Nowak", "Kowalska", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowska", "Zielińska", "Szymańska"},
		lastMale: []string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański"}},
	{weight: 5,
		female:   []string{"Σοφία=Sofia", "Ελένη=Eleni", "Μαρία=Maria", "Κατερίνα=Katerina", "Αθηνά=Athina", "Δήμητρα=Dimitra", "Ιωάννα=Ioanna"},
		male:     []string{"Γιώργος=Giorgos", "Νίκος=Nikos", "Κώστας=Kostas"},
		last:     []string{"Παπαδοπούλου=Papadopoulou", "Γεωργίου=Georgiou", "Οικονόμου=Oikonomou", "Νικολάου=Nikolaou", "Παππά=Pappa", "Καραγιάννη=Karagianni", "Αλεξίου=Alexiou"},
		lastMale: []string{"Παπαδόπουλος=Papadopoulos", "Γεωργίου=Georgiou", "Οικονόμου=Oikonomou", "Νικολάου=Nikolaou", "Παππάς=Pappas", "Καραγιάννης=Karagiannis", "Αλεξίου=Alexiou"}},
	{weight: 6, // Russian and Ukrainian
		female:   []string{"Анна=Anna", "Мария=Maria", "Екатерина=Ekaterina", "Ольга=Olga", "Наталья=Natalya", "Юлия=Yulia", "Оксана=Oksana", "Ірина=Iryna"},
		male:     []string{"Дмитрий=Dmitry", "Алексей=Alexey", "Андрій=Andriy"},
		last:     []string{"Иванова=Ivanova", "Смирнова=Smirnova", "Кузнецова=Kuznetsova", "Попова=Popova", "Соколова=Sokolova", "Шевченко=Shevchenko", "Коваленко=Kovalenko", "Бондаренко=Bondarenko"},
		lastMale: []string{"Иванов=Ivanov", "Смирнов=Smirnov", "Кузнецов=Kuznetsov", "Попов=Popov", "Соколов=Sokolov", "Шевченко=Shevchenko", "Коваленко=Kovalenko", "Бондаренко=Bondarenko"}},
	{weight: 6,
		female: []string{"Giulia", "Francesca", "Chiara", "Alessia", "Martina", "Federica"},
		male:   []string{"Marco", "Niccolò", "Luca"},
		last:   []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "De Luca", "Galli"}},
	{weight: 3,
		female: []string{"Linh", "Thảo", "Ngọc", "Trang", "Huyền", "Hương", "Mai"},
		male:   []string{"Minh", "Đức", "Tuấn"},
		last:   []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"}},
	{weight: 3,
		female: []string{"Ayşe", "Elif", "Zeynep", "Gülşen", "Büşra", "Şule", "İpek"},
		male:   []string{"Mehmet", "Emre", "Çağan"},
		last:   []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın"}},
	{weight: 2,
		female: []string{"Yuki", "Haruka", "Aiko", "Sakura", "Yui", "Mei"},
		male:   []string{"Haruto", "Kenta"},
		last:   []string{"Satō", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Itō", "Yamamoto", "Nakamura"}},
	{weight: 6,
		female: []string{"Priya", "Ananya", "Aishwarya", "Kavya", "Deepika", "Sneha", "Meera"},
		male:   []string{"Arjun", "Rohan", "Vikram"},
		last:   []string{"Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Nair", "Singh", "Mehta", "Chatterjee"}},
	{weight: 4,
		female: []string{"Chiamaka", "Ngozi", "Adaeze", "Folake", "Temitope", "Ifeoma", "Oluwaseun"},
		male:   []string{"Chinedu", "Emeka", "Oluwaseun"},
		last:   []string{"Okafor", "Adeyemi", "Okonkwo", "Adebayo", "Eze", "Nwosu", "Balogun", "Ogunleye"}},
	{weight: 4,
		female: []string{"Fatima", "Layla", "Yasmin", "Nour", "Amira", "Salma", "Mariam"},
		male:   []string{"Omar", "Karim", "Youssef"},
		last:   []string{"Haddad", "Khalil", "Mansour", "Nasser", "El-Amin", "Saleh", "Farah", "Aziz"}},
	{weight: 3,
		female: []string{"Jing", "Yan", "Hui", "Ling", "Fang", "Lan", "Xiu Ying"},
		male:   []string{"Wei", "Jun", "Hao"},
		last:   []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao"}},
}

var cultureWeights = func() []int {
	w := make([]int, len(cultures))
	for i, c := range cultures {
		w[i] = c.weight
	}
	return w
}()

// concernWeights says how often clients come for each default concern; others get 5.
var concernWeights = map[string]int{"Acne scars": 25, "Fine lines and wrinkles": 25, "Enlarged pores": 12,
	"Hyperpigmentation / dark spots": 12, "Uneven tone": 10, "Skin elasticity": 10, "Melasma": 6,
	"Other scars": 6, "Stretch marks": 6, "Hair loss (alopecia)": 5}

var (
	// Reserved for documentation (RFC 2606): demo data must never reach a real inbox.
	emailDomains = []string{"example.com", "example.org", "example.net"}
	usAreaCodes  = []int{212, 305, 312, 415, 617, 206}
	allergies    = []struct {
		name string
		p    float64
	}{{"Lidocaine", 0.03}, {"Nickel", 0.05}, {"Latex", 0.02}, {"Penicillin", 0.04}, {"Fragrance", 0.02}}
	medications = []string{"Combined oral contraceptive", "Levothyroxine 75 µg", "Sertraline 50 mg",
		"Vitamin D 1000 IU", "Metformin 500 mg", "Spironolactone 50 mg", "Cetirizine as needed"}
	clientNotes = []string{"Prefers late-afternoon appointments.", "Referred by a friend.",
		"Sensitive to fragrance in skincare.", "Travels often; book series around trips.",
		"Anxious about needles: talk through each step.", "Wants natural-looking results before a wedding."}
	// Conditions clients most often report, where the practice's rules have them.
	commonConditions = []string{"Herpes simplex, history", "Isotretinoin (Accutane)",
		"Neuromodulator (botulinum toxin)", "Dermal filler", "Pregnancy", "Breastfeeding", "Chemical peel",
		"Keloid or hypertrophic scarring history", "Anticoagulants / antiplatelets", "Autoimmune disease"}
)

// person makes a client without consent or medical history, which depend on their first visit.
func (g *generator) person() data.Client {
	r := g.r
	cu := cultures[weighted(r, cultureWeights...)]
	firsts, lasts := cu.female, cu.last
	if chance(r, 0.15) { // most microneedling clients are women
		firsts = cu.male
		if cu.lastMale != nil {
			lasts = cu.lastMale
		}
	}
	first, firstLatin := split(pick(r, firsts))
	last, lastLatin := split(pick(r, lasts))

	age := 22 + r.IntN(25) + r.IntN(25) // 22–70, most in their forties
	born := data.NewDate(g.today.Year()-age-1, g.today.Month(), g.today.Day()).AddDays(1 + r.IntN(364))
	c := data.Client{
		FirstName:    first,
		LastName:     last,
		DateOfBirth:  born,
		Fitzpatrick:  1 + weighted(r, 8, 25, 27, 20, 12, 8),
		PhotoConsent: data.PhotoConsents[weighted(r, 10, 45, 25, 20)],
		Concerns:     g.pickConcerns(),
	}
	if chance(r, 0.97) {
		c.Phone = g.phone()
	}
	if chance(r, 0.9) {
		c.Email = g.email(firstLatin, lastLatin)
	}
	for _, a := range allergies {
		if chance(r, a.p) {
			c.Allergies = append(c.Allergies, a.name)
		}
	}
	if chance(r, 0.25) {
		c.Medications = pick(r, medications)
	}
	if chance(r, 0.1) {
		c.Notes = pick(r, clientNotes)
	}
	return c
}

// pickConcerns chooses one to three different concerns, the common ones more often.
func (g *generator) pickConcerns() []string {
	left := append([]string(nil), g.concerns...)
	weights := make([]int, len(left))
	for i, c := range left {
		weights[i] = cmp.Or(concernWeights[c], 5)
	}
	var out []string
	for n := 1 + weighted(g.r, 45, 40, 15); n > 0 && len(left) > 0; n-- {
		i := weighted(g.r, weights...)
		out = append(out, left[i])
		left = append(left[:i], left[i+1:]...)
		weights = append(weights[:i], weights[i+1:]...)
	}
	return out
}

// addRecords gives a client their consent and medical history, dated around their first visit
// (today for a client who has not been treated yet). Nothing on record blocks their sessions:
// a condition a rule would block for ended well before the first visit.
func (g *generator) addRecords(c *data.Client, first data.Date) {
	r := g.r
	if chance(r, 0.94) {
		signed := first.AddDays(-r.IntN(8)) // at the consultation, up to a week before
		c.Consent = data.Consent{Form: "Microneedling treatment consent", Version: "2", Signed: signed}
		if g.today.DaysSince(signed) < 365 {
			c.Consent.Version = "3"
		}
	}
	if !chance(r, 0.3) {
		return
	}
	for range 1 + r.IntN(2) {
		rule := pick(r, g.rules)
		if chance(r, 0.75) {
			name := pick(r, commonConditions)
			if i := slices.IndexFunc(g.rules, func(x data.Rule) bool { return x.Condition == name }); i >= 0 {
				rule = g.rules[i]
			}
		}
		if rule.Condition == "" || slices.ContainsFunc(c.History, func(h data.HistoryEntry) bool {
			return h.Condition == rule.Condition
		}) {
			continue
		}
		h := data.HistoryEntry{Condition: rule.Condition}
		if rule.Action == data.RuleWarn && rule.WindowDays == 0 && chance(r, 0.6) {
			h.Since = first.AddDays(-200 - r.IntN(4000)) // ongoing, such as a blood thinner
		} else {
			h.Until = first.AddDays(-rule.WindowDays - 14 - r.IntN(700))
			h.Since = h.Until.AddDays(-r.IntN(900))
		}
		c.History = append(c.History, h)
	}
}

// phone returns a number from the ranges set aside for fiction (Ofcom's drama numbers,
// North America's 555-01XX), so demo data can never ring a real person.
func (g *generator) phone() string {
	n := g.r.IntN(1000)
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("+44 7700 900%03d", n)
	case 1:
		return fmt.Sprintf("07700 900%03d", n)
	case 2:
		return fmt.Sprintf("+1 %d-555-01%02d", pick(g.r, usAreaCodes), n%100)
	default:
		return fmt.Sprintf("(%d) 555-01%02d", pick(g.r, usAreaCodes), n%100)
	}
}

func (g *generator) email(first, last string) string {
	f, l := ascii(first), ascii(last)
	if f == "" || l == "" {
		return "" // no Latin spelling to make an address from
	}
	var local string
	switch g.r.IntN(5) {
	case 0:
		local = f + "." + l
	case 1:
		local = f + l
	case 2:
		local = f[:1] + "." + l
	case 3:
		local = l + "_" + f
	default:
		local = fmt.Sprintf("%s.%s%d", f, l, g.r.IntN(100))
	}
	return local + "@" + pick(g.r, emailDomains)
}

// split separates a name from its Latin spelling: "Σοφία=Sofia".
func split(s string) (name, latin string) {
	name, latin, ok := strings.Cut(s, "=")
	if !ok {
		latin = name
	}
	return name, latin
}

// asciiFold spells letters that do not decompose into a base letter and accents.
var asciiFold = strings.NewReplacer("ł", "l", "Ł", "L", "ø", "o", "Ø", "O", "ß", "ss", "æ", "ae",
	"đ", "d", "Đ", "D", "ı", "i")

// ascii turns a Latin-script name into lower-case ASCII letters for an email address:
// "Siobhán O'Connor" gives "siobhan" and "oconnor".
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(asciiFold.Replace(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r - 'A' + 'a')
		}
	}
	return b.String()
}
