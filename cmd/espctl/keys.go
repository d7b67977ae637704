package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/espctl/espctl/apikey"
	"github.com/espctl/espctl/output"
)

const (
	keysStoreFlagName         = "store"
	keysProjectIDFlagName     = "project-id"
	keysProjectNumberFlagName = "project-number"
	keysAPIFlagName           = "api"
	keysAllowIPFlagName       = "allow-ip"
	keysAllowReferrerFlagName = "allow-referrer"
	keysExpiresFlagName       = "expires"
)

func newKeysCommand(c *cli) *cobra.Command {
	var store string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke API keys in a key store for espctl run",
		Long: `Manage the API key store that "espctl run --api_keys_file" checks keys against.

The store keeps only each key's SHA-256 hash and its first 8 characters as an id; the key
itself is printed once, by "create". Every change rewrites the store atomically, and a running
proxy picks it up at its next reload. docs/security.md describes the format.`,
		Example: `  # A key for project my-project (number 123456789) that may call every API
  espctl keys create --store keys.yaml --project-id my-project --project-number 123456789

  # A key for one API, usable only from 10.0.0.0/8 and pages of example.com
  espctl keys create --store keys.yaml --project-id my-project --project-number 123456789 \
    --api endpoints.examples.bookstore.Bookstore --allow-ip 10.0.0.0/8 --allow-referrer '*.example.com/*'

  espctl keys list --store keys.yaml -o json
  espctl keys revoke --store keys.yaml Xk3_a9Qz`,
	}
	cmd.PersistentFlags().StringVar(&store, keysStoreFlagName, "", "the key store file (YAML), as given to espctl run --api_keys_file")
	_ = cmd.MarkPersistentFlagRequired(keysStoreFlagName)
	cmd.AddCommand(newKeysCreateCommand(c, &store), newKeysListCommand(c, &store), newKeysRevokeCommand(c, &store))
	return cmd
}

// keyInfo is what create, list and revoke print about a key (never its hash).
type keyInfo struct {
	ID               string   `json:"id"`
	Key              string   `json:"key,omitempty"`
	ProjectID        string   `json:"project_id"`
	ProjectNumber    string   `json:"project_number"`
	APIs             []string `json:"apis"`
	AllowedIPs       []string `json:"allowed_ips,omitempty"`
	AllowedReferrers []string `json:"allowed_referrers,omitempty"`
	Status           string   `json:"status"`
	Expires          string   `json:"expires,omitempty"`
	Created          string   `json:"created,omitempty"`
}

func newKeyInfo(e *apikey.Entry, now time.Time) keyInfo {
	k := keyInfo{ID: e.ID, ProjectID: e.ProjectID, ProjectNumber: e.ProjectNumber, APIs: e.APIs,
		AllowedReferrers: e.AllowedReferrers, Status: "active"}
	for _, p := range e.AllowedIPs {
		k.AllowedIPs = append(k.AllowedIPs, p.String())
	}
	switch {
	case e.Revoked:
		k.Status = "revoked"
	case !e.Expires.IsZero() && !now.Before(e.Expires):
		k.Status = "expired"
	}
	if !e.Expires.IsZero() {
		k.Expires = e.Expires.UTC().Format(time.RFC3339)
	}
	if !e.Created.IsZero() {
		k.Created = e.Created.UTC().Format(time.RFC3339)
	}
	return k
}

type keysCreateFlags struct {
	projectID, projectNumber  string
	apis, allowIPs, referrers []string
	expires                   string
}

func newKeysCreateCommand(c *cli, store *string) *cobra.Command {
	var f keysCreateFlags
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a key and print it once",
		Long: `Create a random API key, add its SHA-256 hash to the store (created if missing) and print
the key. It is shown only this once: keep it, the store cannot give it back.

In text output the key alone goes to stdout, so KEY=$(espctl keys create ...) works.`,
		Example: `  KEY=$(espctl keys create --store keys.yaml --project-id my-project --project-number 123456789)
  espctl keys create --store keys.yaml --project-id p --project-number 1 --api endpoints.examples.bookstore.Bookstore -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKeysCreate(c, *store, f, time.Now())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.projectID, keysProjectIDFlagName, "", "consumer project id (sent to backends as X-Endpoint-API-Project-ID in ESPv1 mode)")
	fl.StringVar(&f.projectNumber, keysProjectNumberFlagName, "", "consumer project number (X-Endpoint-API-Consumer-Number)")
	fl.StringArrayVar(&f.apis, keysAPIFlagName, nil, "API the key may call, repeatable (default: every API, \"*\")")
	fl.StringArrayVar(&f.allowIPs, keysAllowIPFlagName, nil, "client IP or CIDR range the key works from, repeatable (default: any)")
	fl.StringArrayVar(&f.referrers, keysAllowReferrerFlagName, nil, "Referer pattern with * wildcards, repeatable (default: any)")
	fl.StringVar(&f.expires, keysExpiresFlagName, "", "when the key stops working: an RFC 3339 time or a duration from now (720h)")
	_ = cmd.MarkFlagRequired(keysProjectIDFlagName)
	_ = cmd.MarkFlagRequired(keysProjectNumberFlagName)
	return cmd
}

func runKeysCreate(c *cli, store string, f keysCreateFlags, now time.Time) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	e, err := newEntry(f, now)
	if err != nil {
		return badInput(err)
	}
	var key string
	for attempt := 0; ; attempt++ {
		var id string
		key, id, err = apikey.NewKey()
		if err != nil {
			return err
		}
		e.ID, e.Hash = id, apikey.HashKey(key)
		err = apikey.AddKey(store, e)
		var le *apikey.LoadError
		if err == nil || attempt == 3 || !errors.As(err, &le) || !strings.Contains(le.Msg, "duplicate key id") {
			break // an id collision (48 random bits) is retried; anything else is reported
		}
	}
	if err != nil {
		return badInput(err)
	}
	info := newKeyInfo(e, now)
	info.Key = key
	return output.Write(c.stdout, format, info, func(w io.Writer) error {
		fmt.Fprintf(c.stderr, "created API key %s for project %s (%s) in %s; the key is shown only now, the store keeps its SHA-256 hash\n",
			e.ID, e.ProjectID, e.ProjectNumber, store)
		_, err := fmt.Fprintln(w, key)
		return err
	})
}

// newEntry checks the flags as the store loader would check the file.
func newEntry(f keysCreateFlags, now time.Time) (*apikey.Entry, error) {
	if strings.TrimSpace(f.projectID) == "" {
		return nil, fmt.Errorf("--%s is empty", keysProjectIDFlagName)
	}
	if f.projectNumber == "" || strings.Trim(f.projectNumber, "0123456789") != "" {
		return nil, fmt.Errorf("--%s %q: want the project's number (digits only)", keysProjectNumberFlagName, f.projectNumber)
	}
	e := &apikey.Entry{ProjectID: f.projectID, ProjectNumber: f.projectNumber, APIs: f.apis,
		AllowedReferrers: f.referrers, Created: now.UTC().Truncate(time.Second)}
	if len(e.APIs) == 0 {
		e.APIs = []string{"*"}
	}
	for _, a := range e.APIs {
		if strings.TrimSpace(a) == "" {
			return nil, fmt.Errorf("--%s: empty API name", keysAPIFlagName)
		}
	}
	for _, s := range f.allowIPs {
		p, err := apikey.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: want an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32)", keysAllowIPFlagName, s)
		}
		e.AllowedIPs = append(e.AllowedIPs, p)
	}
	for _, r := range f.referrers {
		if r == "" {
			return nil, fmt.Errorf("--%s: empty pattern", keysAllowReferrerFlagName)
		}
	}
	if f.expires != "" {
		t, err := time.Parse(time.RFC3339, f.expires)
		if err != nil {
			d, derr := time.ParseDuration(f.expires)
			if derr != nil || d <= 0 {
				return nil, fmt.Errorf("--%s %q: want an RFC 3339 time (2027-01-31T00:00:00Z) or a positive duration (720h)", keysExpiresFlagName, f.expires)
			}
			t = now.Add(d)
		}
		e.Expires = t.UTC().Truncate(time.Second)
	}
	return e, nil
}

func newKeysListCommand(c *cli, store *string) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the keys of a store (ids, consumer, APIs, restrictions, status)",
		Example: "  espctl keys list --store keys.yaml\n  espctl keys list --store keys.yaml -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKeysList(c, *store, time.Now())
		},
	}
}

type keysList struct {
	Store string    `json:"store"`
	Keys  []keyInfo `json:"keys"`
}

func runKeysList(c *cli, store string, now time.Time) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	s, err := apikey.LoadFile(store)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w (create one with \"espctl keys create --store %s ...\")", err, store)
		}
		return badInput(err)
	}
	list := keysList{Store: store, Keys: []keyInfo{}}
	for _, e := range s.Entries {
		list.Keys = append(list.Keys, newKeyInfo(e, now))
	}
	return output.Write(c.stdout, format, list, func(w io.Writer) error {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPROJECT\tNUMBER\tAPIS\tRESTRICTIONS\tSTATUS")
		for _, k := range list.Keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.ProjectID, k.ProjectNumber, strings.Join(k.APIs, ","), restrictions(k), status(k))
		}
		return tw.Flush()
	})
}

func restrictions(k keyInfo) string {
	var parts []string
	if len(k.AllowedIPs) > 0 {
		parts = append(parts, "ip="+strings.Join(k.AllowedIPs, ","))
	}
	if len(k.AllowedReferrers) > 0 {
		parts = append(parts, "referrer="+strings.Join(k.AllowedReferrers, ","))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

func status(k keyInfo) string {
	if k.Expires != "" && k.Status == "active" {
		return "active until " + k.Expires
	}
	return k.Status
}

func newKeysRevokeCommand(c *cli, store *string) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a key: proxies refuse it from their next reload on",
		Long: `Mark the key with this id revoked. The entry stays in the store (listed as revoked), so
the id is not reused; requests with the key get ESPv2's "API key not valid" (400).`,
		Example: "  espctl keys revoke --store keys.yaml Xk3_a9Qz",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKeysRevoke(c, *store, args[0], time.Now())
		},
	}
}

func runKeysRevoke(c *cli, store, id string, now time.Time) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	e, err := apikey.RevokeKey(store, id)
	if err != nil {
		return badInput(err)
	}
	info := newKeyInfo(e, now)
	return output.Write(c.stdout, format, info, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "revoked API key %s of project %s (%s)\n", e.ID, e.ProjectID, e.ProjectNumber)
		return err
	})
}
