package gpu

import (
	"fmt"
	"math"
	"reflect"
)

// pushLayout is a checked mapping from a Go push struct to a shader's push-constant block.
type pushLayout struct {
	typ    reflect.Type
	size   int
	fields []pushField
}

type pushField struct {
	name   string
	offset int
	kind   MemberKind
	access Access
}

var argType = reflect.TypeFor[Arg]()

// goKind returns the push-constant kind a Go field type stands for, and its size.
func goKind(t reflect.Type) (MemberKind, int) {
	switch {
	case t == argType:
		return MemberBuffer, 8
	case t.Kind() == reflect.Uint32:
		return MemberUint, 4
	case t.Kind() == reflect.Int32:
		return MemberInt, 4
	case t.Kind() == reflect.Float32:
		return MemberFloat, 4
	}
	return MemberOther, 0
}

// PushLayout checks that push (a struct value or pointer to one) mirrors m's push-constant block:
// one exported field per member, in order, Arg for a buffer reference (8 bytes, 8-aligned) and
// uint32, int32 or float32 for a uint, int or float (4 bytes), each at the member's offset. The
// error names the first field that disagrees, so a Go struct and a GLSL block that drifted apart
// are refused when the pipeline is created rather than read as garbage.
func PushLayout(m Module, push any) (pushLayout, error) {
	t := reflect.TypeOf(push)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		if len(m.Push) == 0 && push == nil {
			return pushLayout{}, nil
		}
		return pushLayout{}, fmt.Errorf("push constants: want a struct mirroring the shader's %d-member block, got %T", len(m.Push), push)
	}
	lay := pushLayout{typ: t}
	if t.NumField() != len(m.Push) {
		return lay, fmt.Errorf("push constants: Go struct %v has %d fields but the shader's block has %d members", t, t.NumField(), len(m.Push))
	}
	off := 0
	for i := range t.NumField() {
		f, mb := t.Field(i), m.Push[i]
		kind, size := goKind(f.Type)
		if !f.IsExported() || kind == MemberOther {
			return lay, fmt.Errorf("push constants: field %v.%s (%v) must be an exported Arg, uint32, int32 or float32", t, f.Name, f.Type)
		}
		off = (off + size - 1) / size * size
		if kind != mb.Kind {
			return lay, fmt.Errorf("push constants: field %v.%s is %v (%v) but the shader's member %d (byte %d) is a %v", t, f.Name, f.Type, kind, i, mb.Offset, mb.Kind)
		}
		if off != mb.Offset {
			return lay, fmt.Errorf("push constants: field %v.%s lands at byte %d but the shader's member %d is at byte %d", t, f.Name, off, i, mb.Offset)
		}
		lay.fields = append(lay.fields, pushField{name: f.Name, offset: off, kind: kind, access: mb.Access})
		off += size
	}
	lay.size = m.PushSize()
	return lay, nil
}

// encode returns the push-constant bytes of v (of the layout's type, or a pointer to one) and its
// buffer arguments in field order.
func (l *pushLayout) encode(kernel string, v any) ([]byte, []Ref) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Type() != l.typ {
		panic(fmt.Sprintf("gpu: kernel %q takes push constants %v, got %T", kernel, l.typ, v))
	}
	out := make([]byte, l.size)
	var refs []Ref
	for i, f := range l.fields {
		fv := rv.Field(i)
		switch f.kind {
		case MemberBuffer:
			a, _ := fv.Interface().(Arg)
			if a == nil {
				panic(fmt.Sprintf("gpu: kernel %q: buffer %s is nil", kernel, f.name))
			}
			r := a.ref()
			if r.B == nil || r.B.b.buf == nil {
				panic(fmt.Sprintf("gpu: kernel %q: buffer %s is nil or freed", kernel, f.name))
			}
			if r.Off < 0 || r.Off%4 != 0 || r.Off >= r.B.size {
				panic(fmt.Sprintf("gpu: kernel %q: buffer %s offset %d invalid for buffer %q of %d bytes", kernel, f.name, r.Off, r.B.Name, r.B.size))
			}
			putU32(out[f.offset:], uint32(r.B.Addr()+uint64(r.Off)))
			putU32(out[f.offset+4:], uint32((r.B.Addr()+uint64(r.Off))>>32))
			refs = append(refs, r)
		case MemberUint:
			putU32(out[f.offset:], uint32(fv.Uint()))
		case MemberInt:
			putU32(out[f.offset:], uint32(int32(fv.Int())))
		case MemberFloat:
			putU32(out[f.offset:], math.Float32bits(float32(fv.Float())))
		}
	}
	return out, refs
}

func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
