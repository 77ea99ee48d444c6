// Command render is a stand-in for `helm template` on machines without the helm binary
// (none in Debian, PyPI or npm): it renders a chart with the engine Helm itself uses -
// Go's text/template with the Sprig v3 function library (minus env/expandenv) and
// Helm's own functions (include, tpl, required, toYaml, fromYaml, toJson, fromJson,
// lookup) - written here after Helm's documented behaviour, not copied:
//
//   - values: the chart's values.yaml, then each -f file, then --set / --set-string /
//     --set-file, merged as Helm merges them (maps deep-merged, a null deletes a default);
//     numbers become float64 as they do in Helm (YAML -> JSON -> Go);
//   - missingkey=zero, and "<no value>" removed from the output;
//   - files under templates/ whose name starts with "_" are parsed but not rendered;
//   - .Release (Name, Namespace, Service "Helm", IsInstall, Revision 1), .Chart (the
//     fields of Chart.yaml, capitalised like Helm's Metadata struct), .Capabilities
//     (KubeVersion from --kube-version, APIVersions.Has), .Files.Get, .Template;
//   - lookup returns an empty map (as `helm template` does without a cluster).
//
// Output: like `helm template`, each non-empty manifest preceded by "---" and a
// "# Source:" comment. Build offline with Debian's golang-go and the -dev packages of
// Sprig and yaml.v2: GO111MODULE=off GOPATH=/usr/share/gocode go build -o render main.go
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v2"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var valueFiles, sets, setStrings, setFiles multi
	name := flag.String("name", "rapport", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.28.0", "Kubernetes version for .Capabilities")
	flag.Var(&valueFiles, "f", "values file (repeatable)")
	flag.Var(&sets, "set", "key=value (repeatable; value typed as YAML scalar)")
	flag.Var(&setStrings, "set-string", "key=value (repeatable; value kept a string)")
	flag.Var(&setFiles, "set-file", "key=path (repeatable; the file's content as a string)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: render [flags] CHART_DIR")
		os.Exit(2)
	}
	out, err := render(flag.Arg(0), *name, *namespace, *kubeVersion, valueFiles, sets, setStrings, setFiles)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

// --- YAML as Helm reads it: YAML -> JSON -> map[string]interface{} ----------------------

func normalise(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, val := range t {
			m[fmt.Sprint(k)] = normalise(val)
		}
		return m
	case []interface{}:
		for i := range t {
			t[i] = normalise(t[i])
		}
		return t
	}
	return v
}

func yamlToJSONValue(data []byte, into interface{}) error {
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return err
	}
	j, err := json.Marshal(normalise(raw))
	if err != nil {
		return err
	}
	return json.Unmarshal(j, into)
}

func readValues(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	vals := map[string]interface{}{}
	if err := yamlToJSONValue(data, &vals); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if vals == nil {
		vals = map[string]interface{}{}
	}
	return vals, nil
}

// merge puts src over dst: maps merge key by key, anything else replaces, null deletes.
func merge(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		sm, sok := v.(map[string]interface{})
		dm, dok := dst[k].(map[string]interface{})
		if sok && dok {
			dst[k] = merge(dm, sm)
		} else {
			dst[k] = v
		}
	}
	return dst
}

func setPath(vals map[string]interface{}, key string, value interface{}) {
	parts := strings.Split(key, ".")
	cur := vals
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			cur[p] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = value
}

func typedScalar(raw string) interface{} {
	switch raw {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if i, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return i
	}
	return raw
}

// --- Helm's template functions --------------------------------------------------------

func toYAML(v interface{}) string {
	j, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var obj interface{}
	if err := yaml.Unmarshal(j, &obj); err != nil {
		return ""
	}
	out, err := yaml.Marshal(obj)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(out), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yamlToJSONValue([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func toJSON(v interface{}) string {
	j, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(j)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

type files struct{ root string }

func (f files) Get(name string) string {
	data, err := os.ReadFile(filepath.Join(f.root, filepath.FromSlash(name)))
	if err != nil {
		return ""
	}
	return string(data)
}

type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

var builtinAPIs = apiVersions{
	"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v1", "autoscaling/v2",
	"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1",
}

func chartMetadata(dir string) (map[string]interface{}, error) {
	raw, err := readValues(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	meta := map[string]interface{}{}
	for k, v := range raw {
		switch k {
		case "apiVersion":
			meta["APIVersion"] = v
		default:
			meta[strings.ToUpper(k[:1])+k[1:]] = v
		}
	}
	return meta, nil
}

func render(dir, name, namespace, kubeVersion string, valueFiles, sets, setStrings, setFiles []string) (string, error) {
	meta, err := chartMetadata(dir)
	if err != nil {
		return "", err
	}
	values, err := readValues(filepath.Join(dir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range valueFiles {
		user, err := readValues(f)
		if err != nil {
			return "", err
		}
		values = merge(values, user)
	}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return "", fmt.Errorf("--set %q: not key=value", s)
		}
		setPath(values, k, typedScalar(v))
	}
	for _, s := range setStrings {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return "", fmt.Errorf("--set-string %q: not key=value", s)
		}
		setPath(values, k, v)
	}
	for _, s := range setFiles {
		k, p, ok := strings.Cut(s, "=")
		if !ok {
			return "", fmt.Errorf("--set-file %q: not key=path", s)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		setPath(values, k, string(data))
	}
	major, minor := "1", "28"
	if parts := strings.SplitN(strings.TrimPrefix(kubeVersion, "v"), ".", 3); len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	chartName, _ := meta["Name"].(string)
	top := map[string]interface{}{
		"Values": values,
		"Chart":  meta,
		"Release": map[string]interface{}{
			"Name": name, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{
				"Version": kubeVersion, "GitVersion": kubeVersion, "Major": major, "Minor": minor,
			},
			"APIVersions": builtinAPIs,
		},
		"Files": files{root: dir},
	}

	// every file under templates/, named "<chart>/templates/<path>" as Helm names them
	sources := map[string]string{}
	tdir := filepath.Join(dir, "templates")
	err = filepath.WalkDir(tdir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sources[path.Join(chartName, filepath.ToSlash(rel))] = string(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	sort.Strings(names)

	t := template.New("gotpl").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	depth := map[string]int{}
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["toJson"] = toJSON
	funcs["fromJson"] = fromJSON
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	funcs["include"] = func(n string, data interface{}) (string, error) {
		if depth[n] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", n)
		}
		depth[n]++
		defer func() { depth[n]-- }()
		var b strings.Builder
		err := t.ExecuteTemplate(&b, n, data)
		return b.String(), err
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil {
			return v, errors.New(msg)
		}
		if s, ok := v.(string); ok && s == "" {
			return v, errors.New(msg)
		}
		return v, nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := t.Clone()
		if err != nil {
			return "", err
		}
		nt, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		err = nt.Execute(&b, data)
		return strings.ReplaceAll(b.String(), "<no value>", ""), err
	}
	t.Funcs(funcs)
	for _, n := range names {
		if _, err := t.New(n).Parse(sources[n]); err != nil {
			return "", fmt.Errorf("parse error in %s: %w", n, err)
		}
	}

	var out strings.Builder
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue // partials and NOTES.txt are not manifests
		}
		top["Template"] = map[string]interface{}{"Name": n, "BasePath": path.Join(chartName, "templates")}
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, n, top); err != nil {
			return "", fmt.Errorf("execution error in %s: %w", n, err)
		}
		text := strings.ReplaceAll(b.String(), "<no value>", "")
		for _, doc := range strings.Split("\n"+text, "\n---") {
			if strings.TrimSpace(doc) == "" || isOnlyComments(doc) {
				continue
			}
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", n, strings.Trim(doc, "\n"))
		}
	}
	return out.String(), nil
}

func isOnlyComments(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		l := strings.TrimSpace(line)
		if l != "" && !strings.HasPrefix(l, "#") && l != "---" {
			return false
		}
	}
	return true
}
