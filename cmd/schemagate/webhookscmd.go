package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/action"
	"github.com/schemagate/schemagate/internal/status"
)

// adminFlags reach a running gateway's admin API.
type adminFlags struct {
	url, token string
	timeout    time.Duration
}

func newWebhooksCmd(s streams) *cobra.Command {
	var f adminFlags
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "List webhook endpoints with their backlog; replay or re-enable them",
		Long: `Ask a running gateway (its /v1/admin/webhooks API) about its webhook actions.

  schemagate webhooks                                   list: backlog, oldest undelivered, last success, last error
  schemagate webhooks replay --endpoint audit --since 2026-11-26T10:00:00Z
  schemagate webhooks replay --endpoint audit --id 7f3c…
  schemagate webhooks enable audit                      resume an endpoint a 410 disabled`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var list struct {
				Webhooks []action.OutboxStats `json:"webhooks"`
			}
			if err := f.call(cmd.Context(), http.MethodGet, "/v1/admin/webhooks", &list); err != nil {
				return err
			}
			return printWebhooks(s.out, list.Webhooks, time.Now())
		},
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.url, "url", "http://127.0.0.1:8080", "the gateway's HTTP address")
	tokenFlag(pf, &f.token)
	pf.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up after this long")
	cmd.AddCommand(newReplayCmd(s, &f), newEnableCmd(s, &f))
	return cmd
}

func newReplayCmd(s streams, f *adminFlags) *cobra.Command {
	var endpoint, since, id string
	cmd := &cobra.Command{
		Use:   "replay --endpoint NAME [--since TIME] [--id ID]",
		Short: "Send delivered or dead events again, from the outbox's history and dead list",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if endpoint == "" {
				return usageError(fmt.Errorf("--endpoint is required"))
			}
			q := url.Values{}
			if since != "" {
				if _, err := time.Parse(time.RFC3339, since); err != nil {
					return usageError(fmt.Errorf("--since %q is not an RFC 3339 time (2026-11-26T10:00:00Z)", since))
				}
				q.Set("since", since)
			}
			if id != "" {
				q.Set("id", id)
			}
			var out struct {
				Replayed int `json:"replayed"`
			}
			path := "/v1/admin/webhooks/" + url.PathEscape(endpoint) + "/replay?" + q.Encode()
			if err := f.call(cmd.Context(), http.MethodPost, path, &out); err != nil {
				return err
			}
			_, err := fmt.Fprintf(s.out, "%s: %d events queued again\n", endpoint, out.Replayed)
			return err
		},
	}
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "the webhook action's name")
	cmd.Flags().StringVar(&since, "since", "", "only events acknowledged at or after this RFC 3339 time")
	cmd.Flags().StringVar(&id, "id", "", "only the event with this id")
	return cmd
}

func newEnableCmd(s streams, f *adminFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "enable NAME",
		Short: "Resume a webhook endpoint that a 410 Gone disabled",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var out struct {
				Was bool `json:"was_disabled"`
			}
			if err := f.call(cmd.Context(), http.MethodPost, "/v1/admin/webhooks/"+url.PathEscape(args[0])+"/enable", &out); err != nil {
				return err
			}
			msg := "enabled"
			if !out.Was {
				msg = "was not disabled"
			}
			_, err := fmt.Fprintf(s.out, "%s: %s\n", args[0], msg)
			return err
		},
	}
}

// call makes one admin request and decodes a 200's body into out; any
// other answer comes back as the server's own error.
func (f *adminFlags) call(ctx context.Context, method, path string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(f.url, "/")+path, nil)
	if err != nil {
		return usageError(err)
	}
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return status.Wrap(codes.Unavailable, err, "cannot reach the gateway at "+f.url)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if resp.StatusCode != http.StatusOK {
		var reply struct {
			Error *status.Error `json:"error"`
		}
		if json.Unmarshal(body, &reply) == nil && reply.Error != nil {
			return reply.Error
		}
		return status.Newf(codes.Unknown, "the gateway answered %s: %.200s", resp.Status, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return status.Wrap(codes.Internal, err, "the gateway's answer is not what this command expects")
	}
	return nil
}

// printWebhooks is `webhooks list` for people: one aligned row per
// webhook, with times as ages relative to now, because an operator asks
// "how far behind", not "since when".
func printWebhooks(w io.Writer, list []action.OutboxStats, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDELIVERY\tSTATE\tBACKLOG\tOLDEST\tLAST SUCCESS\tLAST ERROR")
	for _, e := range list {
		state := "active"
		if e.Disabled != "" {
			state = "disabled (" + e.Disabled + ")"
		}
		lastErr := "-"
		if e.LastError != "" {
			lastErr = ago(e.LastErrorAt, now) + ": " + e.LastError
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", e.Name, e.Delivery, state, e.Backlog,
			ago(e.Oldest, now), ago(e.LastSuccess, now), lastErr)
	}
	return tw.Flush()
}

// ago says how long before now t was, "-" for never.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return now.Sub(t).Round(time.Second).String() + " ago"
}
