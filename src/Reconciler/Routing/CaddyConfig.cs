using System.Text.Json.Serialization;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>The part of Caddy's config the reconciler owns: everything under <c>/config/apps</c>.</summary>
public sealed record CaddyApps(
    [property: JsonPropertyName("http")] CaddyHttpApp Http,
    [property: JsonPropertyName("tls")] CaddyTlsApp Tls,
    [property: JsonPropertyName("pki")] CaddyPkiApp Pki);

public sealed record CaddyHttpApp(
    [property: JsonPropertyName("http_port")] int HttpPort,
    [property: JsonPropertyName("https_port")] int HttpsPort,
    [property: JsonPropertyName("servers")] IReadOnlyDictionary<string, CaddyServer> Servers);

public sealed record CaddyServer(
    [property: JsonPropertyName("listen")] IReadOnlyList<string> Listen,
    [property: JsonPropertyName("routes")] IReadOnlyList<CaddyRoute> Routes,
    [property: JsonPropertyName("tls_connection_policies")] IReadOnlyList<CaddyTlsConnectionPolicy>? TlsConnectionPolicies = null,
    [property: JsonPropertyName("automatic_https")] CaddyAutomaticHttps? AutomaticHttps = null);

/// <summary>An empty policy turns TLS on for a server that has no host matchers.</summary>
public sealed record CaddyTlsConnectionPolicy;

/// <param name="SkipCertificates">Hostnames of host matchers Caddy must not manage eagerly: their certificates stay on demand.</param>
public sealed record CaddyAutomaticHttps(
    [property: JsonPropertyName("disable_redirects")] bool? DisableRedirects = null,
    [property: JsonPropertyName("skip_certificates")] IReadOnlyList<string>? SkipCertificates = null);

/// <summary>A route: without matchers it handles every request that reaches it; a terminal one ends the route list.</summary>
/// <param name="Match">Matcher sets, any of which selects the route.</param>
public sealed record CaddyRoute(
    [property: JsonPropertyName("handle")] IReadOnlyList<CaddyHandler> Handle,
    [property: JsonPropertyName("match")] IReadOnlyList<CaddyMatcherSet>? Match = null,
    [property: JsonPropertyName("terminal")] bool? Terminal = null);

/// <summary>One matcher set: every matcher given must match.</summary>
/// <param name="VarsRegexp">Placeholder (e.g. <c>{http.request.host}</c>) → the pattern its value must match.</param>
public sealed record CaddyMatcherSet(
    [property: JsonPropertyName("host")] IReadOnlyList<string>? Host = null,
    [property: JsonPropertyName("not")] IReadOnlyList<CaddyMatcherSet>? Not = null,
    [property: JsonPropertyName("vars_regexp")] IReadOnlyDictionary<string, CaddyPattern>? VarsRegexp = null);

public sealed record CaddyPattern(
    [property: JsonPropertyName("pattern")] string Pattern);

/// <summary>An HTTP handler; the <c>handler</c> field names the Caddy module.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "handler")]
[JsonDerivedType(typeof(CaddyReverseProxyHandler), "reverse_proxy")]
[JsonDerivedType(typeof(CaddyStaticResponseHandler), "static_response")]
[JsonDerivedType(typeof(CaddyHeadersHandler), "headers")]
public abstract record CaddyHandler;

/// <summary>Upstreams from DNS (<paramref name="DynamicUpstreams"/>) or fixed ones (<paramref name="Upstreams"/>).</summary>
public sealed record CaddyReverseProxyHandler(
    [property: JsonPropertyName("dynamic_upstreams")] CaddySrvUpstreams? DynamicUpstreams,
    [property: JsonPropertyName("upstreams")] IReadOnlyList<CaddyUpstream>? Upstreams,
    [property: JsonPropertyName("transport")] CaddyHttpTransport? Transport,
    [property: JsonPropertyName("load_balancing")] CaddyLoadBalancing LoadBalancing) : CaddyHandler;

/// <summary>A fixed upstream: <c>host:port</c>, or <c>unix//path</c> for a unix socket.</summary>
public sealed record CaddyUpstream(
    [property: JsonPropertyName("dial")] string Dial);

/// <summary>Upstreams from an SRV lookup of <c>name</c> (placeholders replaced per request; no service/proto: the bare name).</summary>
public sealed record CaddySrvUpstreams(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("refresh")] string Refresh,
    [property: JsonPropertyName("resolver")] CaddyResolver Resolver);

public sealed record CaddyResolver(
    [property: JsonPropertyName("addresses")] IReadOnlyList<string> Addresses);

/// <summary>The dialer's resolver, so the SRV targets (names) are resolved by the same DNS responder.</summary>
public sealed record CaddyHttpTransport(
    [property: JsonPropertyName("protocol")] string Protocol,
    [property: JsonPropertyName("resolver")] CaddyResolver Resolver);

public sealed record CaddyLoadBalancing(
    [property: JsonPropertyName("try_duration")] string TryDuration,
    [property: JsonPropertyName("try_interval")] string TryInterval);

/// <summary>Answers by itself; placeholders in header values are replaced per request.</summary>
public sealed record CaddyStaticResponseHandler(
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("body")] string? Body = null,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, IReadOnlyList<string>>? Headers = null) : CaddyHandler;

/// <summary>Sets response headers (applied when the response is written, whatever handler writes it).</summary>
public sealed record CaddyHeadersHandler(
    [property: JsonPropertyName("response")] CaddyHeaderOps Response) : CaddyHandler;

public sealed record CaddyHeaderOps(
    [property: JsonPropertyName("set")] IReadOnlyDictionary<string, IReadOnlyList<string>> Set);

public sealed record CaddyTlsApp(
    [property: JsonPropertyName("automation")] CaddyTlsAutomation Automation);

public sealed record CaddyTlsAutomation(
    [property: JsonPropertyName("policies")] IReadOnlyList<CaddyAutomationPolicy> Policies,
    [property: JsonPropertyName("on_demand")] CaddyOnDemand OnDemand);

/// <summary>No subjects: the policy covers every hostname; <c>issuers</c> null means Caddy's default ACME issuers.</summary>
public sealed record CaddyAutomationPolicy(
    [property: JsonPropertyName("issuers")] IReadOnlyList<CaddyIssuer>? Issuers,
    [property: JsonPropertyName("on_demand")] bool OnDemand);

public sealed record CaddyIssuer(
    [property: JsonPropertyName("module")] string Module);

public sealed record CaddyOnDemand(
    [property: JsonPropertyName("ask")] string Ask);

public sealed record CaddyPkiApp(
    [property: JsonPropertyName("certificate_authorities")] IReadOnlyDictionary<string, CaddyCertificateAuthority> CertificateAuthorities);

public sealed record CaddyCertificateAuthority(
    [property: JsonPropertyName("install_trust")] bool InstallTrust);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CaddyApps))]
public sealed partial class CaddyJsonContext : JsonSerializerContext;
