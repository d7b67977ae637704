package openapi

import (
	"strconv"

	"go.yaml.in/yaml/v3"
	"google.golang.org/genproto/googleapis/api/metric"
	"google.golang.org/genproto/googleapis/api/serviceconfig"
)

// quotaUnit is the only limit unit Endpoints accepts: requests per minute per project.
const quotaUnit = "1/min/{project}"

// management converts x-google-management (metrics, quota limits) and every operation's
// x-google-quota (metric costs).
func (c *converter) management(svc *serviceconfig.Service) {
	defined := map[string]bool{}
	k, m := lookup(c.doc.root, "x-google-management")
	if k != nil {
		if m.Kind != yaml.MappingNode {
			c.report(ruleExtensionValue, m, "x-google-management", "must be a mapping with `metrics` and `quota`, not "+kindName(m), "")
		}
		c.unknownFields(m, "x-google-management", "metrics", "quota")
		for i, it := range items(get(m, "metrics")) {
			if md := c.metric(it, "x-google-management.metrics["+itoa(i)+"]"); md != nil {
				defined[md.Name] = true
				svc.Metrics = append(svc.Metrics, md)
			}
		}
	}
	quota := &serviceconfig.Quota{}
	q := get(m, "quota")
	c.unknownFields(q, "x-google-management.quota", "limits")
	for i, it := range items(get(q, "limits")) {
		if l := c.limit(it, "x-google-management.quota.limits["+itoa(i)+"]", defined); l != nil {
			quota.Limits = append(quota.Limits, l)
		}
	}
	for _, op := range c.doc.operations {
		if op.generated {
			continue
		}
		if qk, qv := lookup(op.node, "x-google-quota"); qk != nil {
			if r := c.metricRule(op, qv, defined); r != nil {
				quota.MetricRules = append(quota.MetricRules, r)
			}
		}
	}
	if len(quota.Limits) > 0 || len(quota.MetricRules) > 0 {
		svc.Quota = quota
	}
}

func (c *converter) metric(n *yaml.Node, field string) *metric.MetricDescriptor {
	if n.Kind != yaml.MappingNode {
		c.report(ruleExtensionValue, n, field, "must be a mapping `{name, displayName, value_type, metric_kind}`, not "+kindName(n), "")
		return nil
	}
	c.unknownFields(n, field, "name", "displayName", "display_name", "value_type", "valueType", "metric_kind", "metricKind", "description", "unit")
	name := scalar(get(n, "name"))
	if name == "" {
		c.report(ruleExtensionValue, n, field+".name", "missing: a metric needs a name", "")
		return nil
	}
	md := &metric.MetricDescriptor{Name: name, Type: name, Description: scalar(get(n, "description")), Unit: scalar(get(n, "unit"))}
	md.DisplayName = firstScalar(n, "displayName", "display_name")
	if v := firstNode(n, "value_type", "valueType"); v != nil {
		val, ok := metric.MetricDescriptor_ValueType_value[scalar(v)]
		if !ok {
			c.report(ruleExtensionValue, v, field+".value_type", "unknown value type "+kindName(v), didYouMean(scalar(v), []string{"INT64", "DOUBLE", "BOOL", "STRING", "DISTRIBUTION", "MONEY"}))
		}
		md.ValueType = metric.MetricDescriptor_ValueType(val)
	}
	if v := firstNode(n, "metric_kind", "metricKind"); v != nil {
		val, ok := metric.MetricDescriptor_MetricKind_value[scalar(v)]
		if !ok {
			c.report(ruleExtensionValue, v, field+".metric_kind", "unknown metric kind "+kindName(v), didYouMean(scalar(v), []string{"DELTA", "GAUGE", "CUMULATIVE"}))
		}
		md.MetricKind = metric.MetricDescriptor_MetricKind(val)
	}
	return md
}

func (c *converter) limit(n *yaml.Node, field string, metrics map[string]bool) *serviceconfig.QuotaLimit {
	if n.Kind != yaml.MappingNode {
		c.report(ruleExtensionValue, n, field, "must be a mapping `{name, metric, unit, values}`, not "+kindName(n), "")
		return nil
	}
	c.unknownFields(n, field, "name", "metric", "unit", "values", "displayName", "description", "defaultLimit", "maxLimit", "freeTier", "duration")
	l := &serviceconfig.QuotaLimit{
		Name:        scalar(get(n, "name")),
		Metric:      scalar(get(n, "metric")),
		Unit:        scalar(get(n, "unit")),
		DisplayName: scalar(get(n, "displayName")),
		Description: scalar(get(n, "description")),
		Duration:    scalar(get(n, "duration")),
	}
	l.DefaultLimit = c.int64Field(get(n, "defaultLimit"), field+".defaultLimit")
	l.MaxLimit = c.int64Field(get(n, "maxLimit"), field+".maxLimit")
	l.FreeTier = c.int64Field(get(n, "freeTier"), field+".freeTier")
	if l.Name == "" {
		c.report(ruleExtensionValue, n, field+".name", "missing: a quota limit needs a name", "")
	}
	if mn := get(n, "metric"); !metrics[l.Metric] {
		at := mn
		if at == nil {
			at = n
		}
		c.report(ruleQuotaMetric, at, field+".metric", "limit on metric "+quoteOr(l.Metric, "(none)")+", which x-google-management.metrics does not define", c.didYouMeanMetric(l.Metric, metrics))
	}
	if un := get(n, "unit"); l.Unit != quotaUnit {
		at := un
		if at == nil {
			at = n
		}
		c.report(ruleQuotaUnit, at, field+".unit", "unit "+quoteOr(l.Unit, "(none)")+" is not supported; Endpoints quotas count requests per minute per project", "set `unit: \"1/min/{project}\"`")
	}
	for _, e := range entries(get(n, "values")) {
		if l.Values == nil {
			l.Values = map[string]int64{}
		}
		l.Values[e.key.Value] = c.int64Field(e.value, field+".values."+e.key.Value)
	}
	return l
}

func (c *converter) metricRule(op *operation, n *yaml.Node, metrics map[string]bool) *serviceconfig.MetricRule {
	field := op.field + ".x-google-quota"
	if n.Kind != yaml.MappingNode {
		c.report(ruleExtensionValue, n, field, "must be a mapping `{metricCosts: {<metric>: <cost>}}`, not "+kindName(n), "")
		return nil
	}
	c.unknownFields(n, field, "metricCosts")
	r := &serviceconfig.MetricRule{Selector: op.selector, MetricCosts: map[string]int64{}}
	for _, e := range entries(get(n, "metricCosts")) {
		if !metrics[e.key.Value] {
			c.report(ruleQuotaMetric, e.key, field+".metricCosts."+e.key.Value, "costs metric `"+e.key.Value+"`, which x-google-management.metrics does not define", c.didYouMeanMetric(e.key.Value, metrics))
		}
		r.MetricCosts[e.key.Value] = c.int64Field(e.value, field+".metricCosts."+e.key.Value)
	}
	if len(r.MetricCosts) == 0 {
		return nil // nothing to charge
	}
	return r
}

func (c *converter) didYouMeanMetric(name string, metrics map[string]bool) string {
	var names []string
	for m := range metrics {
		names = append(names, m)
	}
	if h := didYouMean(name, names); h != "" {
		return h
	}
	return "define it under x-google-management.metrics"
}

// int64Field reads an integer (a number or a numeric string, as in generated JSON).
func (c *converter) int64Field(n *yaml.Node, field string) int64 {
	if n == nil {
		return 0
	}
	v, err := strconv.ParseInt(scalar(n), 10, 64)
	if err != nil || !isScalar(n) {
		c.report(ruleExtensionValue, n, field, "must be an integer, not "+kindName(n), "")
	}
	return v
}

func firstNode(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if v := get(n, k); v != nil {
			return v
		}
	}
	return nil
}

func firstScalar(n *yaml.Node, keys ...string) string { return scalar(firstNode(n, keys...)) }
