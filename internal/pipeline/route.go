package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/event"
	"github.com/schemagate/schemagate/internal/validate"
)

// Route says what happens to an accepted event of one schema: its typed
// handler, if one is registered, then its actions in order.
type Route struct {
	Key     event.Key
	Actions []NamedAction
	// Candidate, when not 0, is another version of Key's type that judges
	// every frame too, for the comparison only.
	Candidate int
	// Shadow acknowledges and delivers invalid frames, after logging,
	// counting and dead-lettering them; not for a key with a handler.
	Shadow bool
	// LogData lets the event's data into the route's log lines: for a
	// shadow route, the violations' messages, which quote it.
	LogData bool
}

// NamedAction is an action with the name the configuration gave it, for
// logs and metrics.
type NamedAction struct {
	Name   string
	Action action.Action
}

// route is a Route resolved against the registry at build time, so the
// frame path does one map lookup and nothing else.
type route struct {
	idx     int // the route's place in the pipeline's per-route tables (Pipeline.series)
	schema  *validate.Schema
	handler handler
	actions []NamedAction
	// candidate is nil unless the route names one, so that the frame
	// path of every other route pays one nil check for it.
	candidate *candidateRoute
	shadow    bool
	shadowLog *shadowLog // set on shadow routes
}

// Builder collects routes and handlers before the pipeline is built.
type Builder struct {
	reg      *validate.Registry
	handlers []registered
	routes   []Route
	defaults []NamedAction
}

// NewBuilder starts a pipeline over reg.
func NewBuilder(reg *validate.Registry) *Builder { return &Builder{reg: reg} }

// Route adds an explicit route.
func (b *Builder) Route(r Route) { b.routes = append(b.routes, r) }

// DefaultActions are the actions of every schema without an explicit route.
// With none, such events are acknowledged once they validate.
func (b *Builder) DefaultActions(as ...NamedAction) { b.defaults = as }

// resolve checks every route and handler against the registry, reporting
// all that name a schema the tree does not have.
func (b *Builder) resolve() (map[event.Key]*route, error) {
	routes := make(map[event.Key]*route, b.reg.Len())
	for i, s := range b.reg.Schemas() {
		routes[s.Key] = &route{idx: i, schema: s, actions: b.defaults}
	}
	var problems []string
	seen := map[event.Key]bool{}
	for _, r := range b.routes {
		rt, ok := routes[r.Key]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("route %s: no schema %s/v%d.json", r.Key, r.Key.Type, r.Key.Version))
		case seen[r.Key]:
			problems = append(problems, fmt.Sprintf("route %s: configured twice", r.Key))
		default:
			rt.actions = r.Actions
			problems = append(problems, b.rollout(rt, r)...)
		}
		seen[r.Key] = true
	}
	for _, h := range b.handlers {
		rt, ok := routes[h.key]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("handler %s (%s): no schema %s/v%d.json", h.key, h.typ, h.key.Type, h.key.Version))
		case rt.handler != nil:
			problems = append(problems, fmt.Sprintf("handler %s: registered twice", h.key))
		case rt.shadow:
			problems = append(problems, fmt.Sprintf("handler %s (%s): its route is in shadow mode, which acknowledges invalid frames a typed handler cannot take", h.key, h.typ))
		default:
			rt.handler = h.fn
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("routes do not match the schemas in %s:\n  %s", b.reg.Dir(), strings.Join(problems, "\n  "))
	}
	return routes, nil
}
