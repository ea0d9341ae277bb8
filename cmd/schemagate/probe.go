package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// newProbeCmd is the health check for images without curl (the
// Dockerfile's HEALTHCHECK on a distroless base): GET a URL, exit 0 on a
// 2xx answer and 1 otherwise.
func newProbeCmd(s streams) *cobra.Command {
	var caFile string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "probe [url]",
		Short: "GET a health endpoint: exit 0 when it answers 2xx (default http://127.0.0.1:8080/healthz)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			url := "http://127.0.0.1:8080/healthz"
			if len(args) == 1 {
				url = args[0]
			}
			client, err := probeClient(caFile, timeout)
			if err != nil {
				return usageError(err)
			}
			resp, err := client.Get(url)
			if err != nil {
				return status.Wrap(codes.Unavailable, err, err.Error())
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			if resp.StatusCode/100 != 2 {
				return status.Newf(codes.Unavailable, "%s: %s %s", url, resp.Status, body)
			}
			_, err = fmt.Fprintf(s.out, "%s: %s\n", url, resp.Status)
			return err
		},
	}
	cmd.Flags().StringVar(&caFile, "cacert", "", "PEM CA file to verify an https:// server with")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	return cmd
}

// probeClient is the client a container's health check uses: bounded by
// timeout so a hung gateway fails the check instead of stalling it, and
// trusting caFile when given, since a gateway serving TLS directly often
// has a certificate from a private CA the image does not know.
func probeClient(caFile string, timeout time.Duration) (*http.Client, error) {
	c := &http.Client{Timeout: timeout}
	if caFile == "" {
		return c, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate in it", caFile)
	}
	c.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return c, nil
}
