package compat

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/bench"
	"github.com/schemagate/schemagate/internal/testkit"
	"github.com/schemagate/schemagate/internal/validate"
)

// writeBenchTree writes 200 schema files: 50 types of 4 versions each,
// objects of a dozen members (nested objects, arrays, enums, patterns,
// formats, bounds, a $ref into _defs), each version adding an optional
// member, and every fifth type breaking backward in its last version.
func writeBenchTree(tb testing.TB) string {
	dir := tb.TempDir()
	write := func(rel, body string) {
		testkit.WriteFile(tb, filepath.Join(dir, filepath.FromSlash(rel)), []byte(body))
	}
	write("_defs/common.json", `{"$defs":{"id":{"type":"string","pattern":"^[a-z]{2}-[0-9]{4,8}$"},
		"money":{"type":"object","required":["amount","currency"],"additionalProperties":false,
		"properties":{"amount":{"type":"number","minimum":0},"currency":{"enum":["EUR","USD","KRW"]}}}}}`)
	for t := range 50 {
		for v := 1; v <= 4; v++ {
			extra := ""
			for k := 1; k < v; k++ {
				extra += fmt.Sprintf(`,"added%d":{"type":"string","maxLength":%d}`, k, 10*k)
			}
			minQty := 1
			if t%5 == 0 && v == 4 {
				minQty = 2
			}
			write(fmt.Sprintf("t%02d/v%d.json", t, v), fmt.Sprintf(`{
  "type":"object","required":["id","when","lines"],"additionalProperties":false,
  "properties":{
    "id":{"$ref":"../_defs/common.json#/$defs/id"},
    "when":{"type":"string","format":"date-time"},
    "email":{"type":"string","format":"email"},
    "status":{"enum":["new","paid","sent"]},
    "note":{"type":"string","maxLength":500},
    "total":{"$ref":"../_defs/common.json#/$defs/money"},
    "tags":{"type":"array","items":{"type":"string","pattern":"^[a-z]+$"},"maxItems":10,"uniqueItems":true},
    "point":{"type":"array","prefixItems":[{"type":"number"},{"type":"number"}],"items":false},
    "lines":{"type":"array","minItems":1,"items":{"type":"object","required":["sku","qty"],
      "properties":{"sku":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{3}$"},"qty":{"type":"integer","minimum":%d,"maximum":999}}}},
    "kind":{"oneOf":[{"type":"string"},{"type":"integer"}]}%s
  }}`, minQty, extra))
		}
	}
	return dir
}

// BenchmarkCompat200Files is `schemagate compat` on a 200-file tree:
// load and compile it, then judge every type's consecutive versions
// (150 pairs). The target is under 2 s an operation. It also reports the
// process's CPU time per operation, which moves less than wall time when
// other work shares the machine.
func BenchmarkCompat200Files(b *testing.B) {
	dir := writeBenchTree(b)
	cpu0 := bench.CPUTime()
	for b.Loop() {
		reg, err := validate.Load(validate.Options{Dir: dir, AssertFormat: true})
		if err != nil {
			b.Fatal(err)
		}
		r := Check(Tree{Registry: reg}, Options{Default: Backward, AssertFormat: true})
		if e, w := r.Count(Error), r.Count(Warning); e != 10 || w != 0 {
			b.Fatalf("%d errors and %d warnings, want 10 (one per fifth type) and none", e, w)
		}
	}
	b.ReportMetric(201, "files")
	if cpu := bench.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	}
}
