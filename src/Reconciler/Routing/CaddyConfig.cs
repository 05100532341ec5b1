using System.Text.Json.Serialization;

namespace PersonalCloud.Reconciler.Routing;

/// <summary>The part of Caddy's config the reconciler owns: everything under <c>/config/apps</c>.</summary>
public sealed record CaddyApps(
    [property: JsonPropertyName("http")] CaddyHttpApp Http,
    [property: JsonPropertyName("tls")] CaddyTlsApp? Tls,
    [property: JsonPropertyName("pki")] CaddyPkiApp Pki);

public sealed record CaddyHttpApp(
    [property: JsonPropertyName("http_port")] int HttpPort,
    [property: JsonPropertyName("https_port")] int HttpsPort,
    [property: JsonPropertyName("servers")] IReadOnlyDictionary<string, CaddyServer> Servers);

public sealed record CaddyServer(
    [property: JsonPropertyName("listen")] IReadOnlyList<string> Listen,
    [property: JsonPropertyName("routes")] IReadOnlyList<CaddyRoute> Routes,
    [property: JsonPropertyName("automatic_https")] CaddyAutomaticHttps? AutomaticHttps = null);

public sealed record CaddyAutomaticHttps(
    [property: JsonPropertyName("disable_redirects")] bool? DisableRedirects = null);

public sealed record CaddyRoute(
    [property: JsonPropertyName("@id")] string Id,
    [property: JsonPropertyName("match")] IReadOnlyList<CaddyMatch>? Match,
    [property: JsonPropertyName("handle")] IReadOnlyList<CaddyHandler> Handle,
    [property: JsonPropertyName("terminal")] bool? Terminal = null);

public sealed record CaddyMatch(
    [property: JsonPropertyName("host")] IReadOnlyList<string> Host);

/// <summary>An HTTP handler; the <c>handler</c> field names the Caddy module.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "handler")]
[JsonDerivedType(typeof(CaddyVarsHandler), "vars")]
[JsonDerivedType(typeof(CaddyReverseProxyHandler), "reverse_proxy")]
[JsonDerivedType(typeof(CaddyStaticResponseHandler), "static_response")]
public abstract record CaddyHandler;

/// <summary>Sets a request variable; it carries the app name so it can be read back from Caddy.</summary>
public sealed record CaddyVarsHandler(
    [property: JsonPropertyName(CaddyVarsHandler.AppNameKey)] string AppName) : CaddyHandler
{
    public const string AppNameKey = "pcloud_app";
}

public sealed record CaddyReverseProxyHandler(
    [property: JsonPropertyName("upstreams")] IReadOnlyList<CaddyUpstream> Upstreams) : CaddyHandler;

public sealed record CaddyUpstream(
    [property: JsonPropertyName("dial")] string Dial);

public sealed record CaddyStaticResponseHandler(
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("body")] string Body) : CaddyHandler;

public sealed record CaddyTlsApp(
    [property: JsonPropertyName("automation")] CaddyTlsAutomation Automation);

public sealed record CaddyTlsAutomation(
    [property: JsonPropertyName("policies")] IReadOnlyList<CaddyAutomationPolicy> Policies);

public sealed record CaddyAutomationPolicy(
    [property: JsonPropertyName("subjects")] IReadOnlyList<string> Subjects,
    [property: JsonPropertyName("issuers")] IReadOnlyList<CaddyIssuer> Issuers);

public sealed record CaddyIssuer(
    [property: JsonPropertyName("module")] string Module);

public sealed record CaddyPkiApp(
    [property: JsonPropertyName("certificate_authorities")] IReadOnlyDictionary<string, CaddyCertificateAuthority> CertificateAuthorities);

public sealed record CaddyCertificateAuthority(
    [property: JsonPropertyName("install_trust")] bool InstallTrust);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CaddyApps))]
public sealed partial class CaddyJsonContext : JsonSerializerContext;
