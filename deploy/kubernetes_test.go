package deploy_test

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/schemagate/schemagate/internal/testkit"
)

const schemasManifest = "kubernetes/schemas.yaml"

// configMap is the part of a ConfigMap these tests read and write.
type configMap struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   metadata          `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
}

type metadata struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels,omitempty"`
}

// schemaConfigMaps makes one ConfigMap per top-level folder of the tree:
// a ConfigMap holds no folders, and one per folder lets a version be
// added to a type by adding a key, which the kubelet mounts without a
// rollout.
func schemaConfigMaps(t *testing.T, tree string) []configMap {
	t.Helper()
	tops, err := os.ReadDir(tree)
	if err != nil {
		t.Fatal(err)
	}
	var out []configMap
	for _, top := range tops {
		if !top.IsDir() {
			continue
		}
		cm := configMap{APIVersion: "v1", Kind: "ConfigMap", Data: map[string]string{},
			Metadata: metadata{Name: "schemagate-schemas-" + volumeSuffix(top.Name()),
				Labels: map[string]string{"app.kubernetes.io/name": "schemagate", "schemagate.dev/schemas": top.Name()}}}
		files, err := os.ReadDir(filepath.Join(tree, top.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.IsDir() {
				t.Fatalf("%s/%s: a ConfigMap holds no folders; keep the schema tree two levels deep", top.Name(), f.Name())
			}
			data, err := os.ReadFile(filepath.Join(tree, top.Name(), f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			cm.Data[f.Name()] = string(data)
		}
		out = append(out, cm)
	}
	return out
}

// volumeSuffix makes a folder name a DNS label: "_defs" → "defs",
// "order.placed" → "order-placed".
func volumeSuffix(folder string) string {
	return strings.ReplaceAll(strings.TrimPrefix(folder, "_"), ".", "-")
}

func encodeManifests(t *testing.T, header string, docs []configMap) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const schemasHeader = `# The repository's schemas/ as ConfigMaps, one per top-level folder
# (generated: go test ./deploy -run TestSchemasManifest -update). Change a
# schema, regenerate, kubectl apply -k deploy/kubernetes: the kubelet
# updates the mounted files in place (README "Deploying").
`

// kubernetes/schemas.yaml is the repository's schema tree; -update
// rewrites it.
func TestSchemasManifest(t *testing.T) {
	want := encodeManifests(t, schemasHeader, schemaConfigMaps(t, "../schemas"))
	if *update {
		testkit.WriteFile(t, schemasManifest, want)
	}
	got, err := os.ReadFile(schemasManifest)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (%v): run go test ./deploy -run TestSchemasManifest -update", schemasManifest, err)
	}
}

// manifests reads every document of a YAML file as generic maps.
func manifests(t *testing.T, file string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if err.Error() == "EOF" {
				return docs
			}
			t.Fatalf("%s: %v", file, err)
		}
		docs = append(docs, d)
	}
}

// dig walks maps and lists: dig(d, "spec", "template", "spec", "containers", 0).
func dig(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// pod is what the tests need from the Deployment.
type pod struct {
	spec      map[string]any
	container map[string]any
	args      []string
	mounts    map[string]string // mount path → volume name
	volumes   map[string]map[string]any
}

func readPod(t *testing.T) pod {
	t.Helper()
	for _, d := range manifests(t, "kubernetes/deployment.yaml") {
		if d["kind"] != "Deployment" {
			continue
		}
		p := pod{spec: dig(d, "spec", "template", "spec").(map[string]any), mounts: map[string]string{}, volumes: map[string]map[string]any{}}
		p.container = dig(p.spec, "containers", 0).(map[string]any)
		for _, a := range p.container["args"].([]any) {
			p.args = append(p.args, a.(string))
		}
		for _, m := range p.container["volumeMounts"].([]any) {
			p.mounts[dig(m, "mountPath").(string)] = dig(m, "name").(string)
		}
		for _, v := range p.spec["volumes"].([]any) {
			p.volumes[dig(v, "name").(string)] = v.(map[string]any)
		}
		return p
	}
	t.Fatal("kubernetes/deployment.yaml has no Deployment")
	return pod{}
}

// gatewayConfig is the schemagate.yaml the config ConfigMap carries.
func gatewayConfig(t *testing.T) (configMap, map[string]any) {
	t.Helper()
	data, err := os.ReadFile("kubernetes/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cm configMap
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(cm.Data["schemagate.yaml"]), &cfg); err != nil {
		t.Fatalf("config.yaml's schemagate.yaml: %v", err)
	}
	return cm, cfg
}

func TestKubernetesDeployment(t *testing.T) {
	p := readPod(t)
	if got := dig(p.container, "readinessProbe", "httpGet", "path"); got != "/readyz" {
		t.Errorf("readiness probe on %v, want /readyz", got)
	}
	if got := dig(p.container, "livenessProbe", "httpGet", "path"); got != "/healthz" {
		t.Errorf("liveness probe on %v, want /healthz", got)
	}
	pause, _ := dig(p.container, "lifecycle", "preStop", "sleep", "seconds").(int)
	if pause <= 0 {
		t.Error("want a preStop pause, so endpoints drop the pod before SIGTERM starts the drain")
	}
	_, cfg := gatewayConfig(t)
	drain, err := time.ParseDuration(fmt.Sprint(dig(cfg, "shutdown", "drain_timeout")))
	if err != nil {
		t.Fatalf("config.yaml: shutdown.drain_timeout: %v", err)
	}
	grace, _ := p.spec["terminationGracePeriodSeconds"].(int)
	if time.Duration(grace)*time.Second < time.Duration(pause)*time.Second+drain+5*time.Second {
		t.Errorf("terminationGracePeriodSeconds %d must cover preStop (%ds) + drain_timeout (%v) + a margin", grace, pause, drain)
	}
	if dig(p.spec, "securityContext", "runAsNonRoot") != true {
		t.Error("the pod must run as non-root")
	}

	// Every schema ConfigMap is mounted whole (no items, so new keys
	// appear) where the tree's folder of the same name would be.
	dir := fmt.Sprint(dig(cfg, "schemas", "dir"))
	for _, cm := range schemaConfigMaps(t, "../schemas") {
		folder := cm.Metadata.Labels["schemagate.dev/schemas"]
		vol := p.volumes[p.mounts[path.Join(dir, folder)]]
		if dig(vol, "configMap", "name") != cm.Metadata.Name {
			t.Errorf("%s: want ConfigMap %s mounted at %s", folder, cm.Metadata.Name, path.Join(dir, folder))
		}
		if dig(vol, "configMap", "items") != nil {
			t.Errorf("volume %v lists items: keys added later would not be mounted", vol["name"])
		}
	}
}

// kubeletMount lays a ConfigMap out as the kubelet does: the files in a
// timestamped hidden folder, ..data linking to it, each key linking
// through ..data. Called again, it swaps ..data to a new folder, as the
// kubelet does on an update.
func kubeletMount(t *testing.T, dir string, data map[string]string) {
	t.Helper()
	stamp := fmt.Sprintf("..%s", time.Now().Format("2006_01_02_15_04_05.000000000"))
	testkit.WriteTree(t, filepath.Join(dir, stamp), data)
	if err := os.Symlink(stamp, filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, err := os.Lstat(filepath.Join(dir, k)); err == nil {
			continue
		}
		if err := os.Symlink(filepath.Join("..data", k), filepath.Join(dir, k)); err != nil {
			t.Fatal(err)
		}
	}
}

// The pod, minus the cluster: its ConfigMaps mounted as the kubelet
// mounts them, its container's args run, its probes answered.
func TestKubernetesPodServes(t *testing.T) {
	p := readPod(t)
	root := t.TempDir()
	cfgMap, cfg := gatewayConfig(t)
	maps := append(schemaConfigMaps(t, "../schemas"), cfgMap)
	for mountPath, volName := range p.mounts {
		name, _ := dig(p.volumes[volName], "configMap", "name").(string)
		for _, cm := range maps {
			if cm.Metadata.Name == name {
				kubeletMount(t, inRoot(root, mountPath), cm.Data)
			}
		}
	}
	args := make([]string, len(p.args))
	for i, a := range p.args {
		args[i] = inRoot(root, a)
	}
	if dig(cfg, "reload", "watch") != true {
		t.Fatal("config.yaml: want reload.watch: true, so ConfigMap updates apply without a restart")
	}
	env := []string{"SCHEMAGATE_LISTEN=127.0.0.1:0", "SCHEMAGATE_RELOAD_INTERVAL=50ms",
		"SCHEMAGATE_SCHEMAS_DIR=" + inRoot(root, fmt.Sprint(dig(cfg, "schemas", "dir")))}
	g := start(t, t.TempDir(), env, args...)
	if !strings.Contains(g.Logs.String(), `"schemas":["echo v1","person v1","person v2"]`) {
		t.Fatalf("the mounted tree did not load whole:\n%s", g.Logs.String())
	}
	g.probe(t, dig(p.container, "readinessProbe", "httpGet", "path").(string))
	g.probe(t, dig(p.container, "livenessProbe", "httpGet", "path").(string))

	// A version added to the person ConfigMap: the kubelet swaps the
	// volume's ..data, the gateway notices and reloads.
	for _, cm := range maps {
		if cm.Metadata.Name == "schemagate-schemas-person" {
			cm.Data["v3.json"] = cm.Data["v2.json"]
			kubeletMount(t, inRoot(root, path.Join(fmt.Sprint(dig(cfg, "schemas", "dir")), "person")), cm.Data)
		}
	}
	testkit.WaitFor(t, 60*time.Second, "the updated ConfigMap to be reloaded", func() bool {
		return strings.Contains(g.Logs.String(), `"msg":"reloaded","trigger":"watch","schemas":["echo v1","person v1","person v2","person v3"]`)
	})
	g.Stop(t, 30*time.Second)
}
