package config

import "time"

// Console is the embedded web console at /ui/ (behind auth.admin_tokens
// when auth is on): what it may show and do, and how much it remembers.
type Console struct {
	// Enabled serves /ui/ and its data endpoints.
	Enabled bool `mapstructure:"enabled"`
	// AllowSend lets "Try a frame" send the frame through the pipeline
	// for real; off, the console is read-only.
	AllowSend bool `mapstructure:"allow_send"`
	// ShowData shows event data in samples and the tail; off, data is
	// redacted to its shape (keys and value types), since events may
	// carry personal data.
	ShowData bool `mapstructure:"show_data"`
	// Window is how far back the rejects view remembers, in whole minutes.
	Window time.Duration `mapstructure:"window"`
	// MaxGroups bounds the reject groups kept; beyond it, new groups are
	// counted in one overflow group.
	MaxGroups int `mapstructure:"max_groups"`
	// Samples is how many sample frames each reject group keeps.
	Samples int `mapstructure:"samples"`
	// TailRate is the most frames a second the live tail shows; beyond
	// it frames are sampled out (and counted).
	TailRate int `mapstructure:"tail_rate"`
	// MaxStreams bounds the live streams open at once (each holds a
	// goroutine, a tail queue and a snapshot a second); more are 429.
	MaxStreams int `mapstructure:"max_streams"`
}

// DefaultConsoleMaxStreams is console.max_streams's default: a few
// operators' tabs.
const DefaultConsoleMaxStreams = 8

// defaultConsole is the console's part of Default.
func defaultConsole() Console {
	return Console{Enabled: true, Window: 15 * time.Minute, MaxGroups: 500, Samples: 5, TailRate: 200, MaxStreams: DefaultConsoleMaxStreams}
}

func (c Console) check(p *problems) {
	if !c.Enabled {
		return
	}
	if c.Window < time.Minute || c.Window > 24*time.Hour || c.Window%time.Minute != 0 {
		p.add("console.window", "must be whole minutes from 1m to 24h")
	}
	positive(p, "console.max_groups", c.MaxGroups)
	positive(p, "console.samples", c.Samples)
	positive(p, "console.tail_rate", c.TailRate)
	positive(p, "console.max_streams", c.MaxStreams)
}
