package shaders

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"strings"
	"testing"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite contract.glsl from contract.go")

// contractHeader renders contract.go's constants as GLSL #defines, with their comments.
func contractHeader() (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "contract.go", nil, parser.ParseComments)
	if err != nil {
		return "", err
	}
	pkg, err := new(types.Config).Check("shaders", fset, []*ast.File{f}, nil)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("// contract.glsl: GENERATED from contract.go by `go generate ./shaders` (or `make shaders`);\n")
	b.WriteString("// do not edit. The constants Go code and the kernels agree on, defined once in contract.go.\n")
	b.WriteString("#ifndef CONTRACT_GLSL\n#define CONTRACT_GLSL\n")
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		b.WriteString("\n")
		comment(&b, g.Doc)
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			comment(&b, vs.Doc)
			for _, n := range vs.Names {
				c := pkg.Scope().Lookup(n.Name).(*types.Const)
				v := c.Val().ExactString()
				if basic, ok := c.Type().(*types.Basic); ok && basic.Kind() == types.Uint32 {
					v += "u"
				} else if !ok || basic.Kind() != types.UntypedInt {
					return "", fmt.Errorf("contract.go: %s has type %v; want an untyped integer or uint32", n.Name, c.Type())
				}
				line := fmt.Sprintf("#define %s %s", snake(n.Name), v)
				if vs.Comment != nil {
					line += " // " + strings.TrimSpace(vs.Comment.Text())
				}
				b.WriteString(line + "\n")
			}
		}
	}
	b.WriteString("\n#endif\n")
	return b.String(), nil
}

func comment(b *strings.Builder, g *ast.CommentGroup) {
	if g == nil {
		return
	}
	for _, l := range strings.Split(strings.TrimSpace(g.Text()), "\n") {
		b.WriteString("// " + l + "\n")
	}
}

// snake turns a Go name into upper snake case: TileWideCols -> TILE_WIDE_COLS.
func snake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(c))
	}
	return b.String()
}

// contract.glsl is what contract.go generates (-update rewrites it).
func TestContractHeader(t *testing.T) {
	want, err := contractHeader()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("contract.glsl", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("contract.glsl")
	if err != nil || string(got) != want {
		t.Fatalf("contract.glsl is stale or missing (%v): run `go generate ./shaders`, then `make shaders`", err)
	}
	if LocalSize&(LocalSize-1) != 0 || TileLanes%TileShareLanes != 0 || TileRows != 2*TileShareLanes {
		t.Fatal("LocalSize must be a power of two (reduction trees), TileLanes a multiple of TileShareLanes and TileRows twice it (tile.glsl's two broadcast groups)")
	}
}
