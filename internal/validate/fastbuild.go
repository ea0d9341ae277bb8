package validate

import (
	"maps"
	"slices"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// maxCompareKeys is how many keys an object schema may know for a key to
// be looked up by comparing names rather than by hashing.
const maxCompareKeys = 12

// fastBuilder turns a compiled schema graph into fast nodes, sharing a node
// per schema so that recursive $refs stay finite.
type fastBuilder struct {
	seen        map[*jsonschema.Schema]*fastNode
	unsupported bool
}

// buildFast returns the fast path for s, or nil when any schema reachable
// from s uses a keyword the fast path does not check: then the authority
// validates every instance, exactly as without a fast path.
func buildFast(s *jsonschema.Schema) *fastNode {
	b := &fastBuilder{seen: map[*jsonschema.Schema]*fastNode{}}
	n := b.node(s)
	if b.unsupported {
		return nil
	}
	for _, m := range b.seen {
		m.direct = directOf(m, len(b.seen))
	}
	return n
}

// directOf follows n's bare $refs to the node that checks n's value by its
// own keywords alone, so that the checker goes there at once; nil when
// there is none, or the chain is a loop (longer than the nodes there are).
func directOf(n *fastNode, nodes int) *fastNode {
	for range nodes {
		switch {
		case len(n.applied) == 0:
			return n
		case n.own || len(n.applied) > 1:
			return nil
		}
		n = n.applied[0].node
	}
	return nil
}

func (b *fastBuilder) node(s *jsonschema.Schema) *fastNode {
	if s == nil {
		return nil
	}
	if n, ok := b.seen[s]; ok {
		return n
	}
	n := &fastNode{schema: s}
	b.seen[s] = n
	if !supported(s) {
		b.unsupported = true
		return n
	}
	b.general(n, s)
	b.object(n, s)
	n.minItems, n.maxItems, n.unique = s.MinItems, s.MaxItems, s.UniqueItems
	n.items = b.node(s.Items2020)
	n.minLen, n.maxLen, n.pattern = s.MinLength, s.MaxLength, s.Pattern
	n.simple = compileSimple(s.Pattern)
	n.min, n.max = boundOf(s.Minimum), boundOf(s.Maximum)
	n.exMin, n.exMax = boundOf(s.ExclusiveMinimum), boundOf(s.ExclusiveMaximum)
	n.multipleOf = multipleOfRat(s.MultipleOf)
	n.own = hasOwn(n)
	n.anyObject = len(n.keys) == 0 && n.addl == addlAllow && n.minProps < 0 && n.maxProps < 0
	n.anyArray = n.items == nil && !n.unique && n.minItems < 0 && n.maxItems < 0
	n.only = onlyType(n)
	return n
}

// onlyType is fastNode.only for n: checkOwn refuses every other type,
// as stringAt and numberAt do (TestOnlyIsCheckOwn).
func onlyType(n *fastNode) uint8 {
	switch {
	case n.always != nil:
		return 0
	case n.types == tString:
		return tString
	case n.types != 0 && n.types&^(tNumber|tInteger) == 0:
		return tNumber
	}
	return 0
}

// hasOwn says whether n checks anything itself, besides the schemas it
// applies: a node that does not can hand its value straight to its $ref.
func hasOwn(n *fastNode) bool {
	return n.always != nil || n.types != 0 || n.hasEnum || n.format != nil ||
		len(n.keys) > 0 || n.addl != addlAllow || n.minProps >= 0 || n.maxProps >= 0 ||
		n.minItems >= 0 || n.maxItems >= 0 || n.unique || n.items != nil ||
		n.minLen >= 0 || n.maxLen >= 0 || n.pattern != nil ||
		n.min.set || n.max.set || n.exMin.set || n.exMax.set || n.multipleOf.set
}

// general fills the keywords that apply to every type.
func (b *fastBuilder) general(n *fastNode, s *jsonschema.Schema) {
	n.always = s.Always
	if s.Ref != nil {
		n.applied = append(n.applied, namedNode{name: "$ref", node: b.node(s.Ref)})
	}
	for i, a := range s.AllOf {
		n.applied = append(n.applied, namedNode{name: "allOf/" + strconv.Itoa(i), node: b.node(a)})
	}
	for _, t := range s.Types {
		n.types |= typeBit(t)
	}
	if len(s.Enum) > 0 {
		n.hasEnum = true
		for _, e := range s.Enum {
			switch e.(type) {
			case string, bool, nil:
				n.enum = append(n.enum, e)
			default: // numbers and containers compare by value: the authority's job
				b.unsupported = true
			}
		}
	}
	if s.Format != "" {
		// The library's own checker, so both paths agree; asserting a
		// format the authority only annotates is stricter, hence safe.
		f, ok := jsonschema.Formats[s.Format]
		if !ok {
			b.unsupported = true
		}
		n.format, n.quick = f, quickFormat(s.Format)
		n.formatAll = !libraryFormat(s.Format)
	}
}

// object fills the object keywords. The keys are listed in the order a
// sender most likely writes them, which is the order the fast path tries
// them in (keyFrom): the compiled schema keeps properties in a map, so
// the required names come first in their listed order, which usually
// follows the document's, then the other properties by name. Sorting also
// makes the order, and so the cost of a frame, the same on every start.
func (b *fastBuilder) object(n *fastNode, s *jsonschema.Schema) {
	n.minProps, n.maxProps = s.MinProperties, s.MaxProperties
	index := map[string]int{}
	add := func(name string) {
		if _, ok := index[name]; !ok {
			index[name] = len(n.keys)
			// nil for a required name that is not a property
			n.keys = append(n.keys, namedNode{name, b.node(s.Properties[name]), newKeyLiteral(name)})
		}
	}
	for _, r := range s.Required {
		add(r)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
		add(k)
	}
	for _, r := range s.Required {
		if i := index[r]; i < 64 {
			n.requiredMask |= 1 << i
		}
	}
	n.indexed = len(n.keys) <= 64
	if len(n.keys) > maxCompareKeys {
		n.keyMap = index
	}
	switch a := s.AdditionalProperties.(type) {
	case bool:
		if !a {
			n.addl = addlDeny
		}
	case *jsonschema.Schema:
		n.addl, n.addlNode = addlSchema, b.node(a)
	}
}
