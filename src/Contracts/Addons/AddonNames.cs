namespace PersonalCloud.Contracts.Addons;

/// <summary>How add-ons are named and labelled on the engine, and the fixed facts of a Postgres add-on (one place, read by every component).</summary>
public static class AddonNames
{
    public const string Postgres = "postgres";

    /// <summary>The kinds an app can add.</summary>
    public static readonly IReadOnlyList<string> Kinds = [Postgres];

    /// <summary>The Postgres major versions the platform runs; the first is the default.</summary>
    public static readonly IReadOnlyList<string> PostgresVersions = ["15"];

    /// <summary>The server's DNS alias on its app's network: DATABASE_URL's host.</summary>
    public const string PostgresHost = "postgres";

    public const int PostgresPort = 5432;

    /// <summary>The database and the user an app gets (the user owns the server: it is the app's alone).</summary>
    public const string PostgresDatabase = "app";

    public const string PostgresUser = "app";

    /// <summary>The env var the add-on injects into the app's releases; one the app sets itself wins.</summary>
    public const string DatabaseUrlKey = "DATABASE_URL";

    /// <summary>The key the generated password is sealed under (SecretBox binds it with the app id).</summary>
    public const string PasswordSealKey = "addon:postgres:password";

    /// <summary>The add-on's server container (one per add-on: a second create finds the first).</summary>
    public static string ContainerName(Guid addonId) => $"pcloud-addon-{addonId:N}";

    /// <summary>The add-on's data: a named Docker volume, never a bind mount; kept when the add-on is deleted.</summary>
    public static string VolumeName(Guid addonId) => $"pcloud-addon-{addonId:N}";

    /// <summary>Label on the container and the volume: the add-on's id (<c>app_addons.id</c>).</summary>
    public const string AddonIdLabel = "io.personalcloud.addon-id";

    /// <summary>Label on the container and the volume: the add-on's kind (<c>postgres</c>).</summary>
    public const string AddonKindLabel = "io.personalcloud.addon-kind";

    /// <summary>Value of <see cref="Labels.ContainerLabels.Kind"/> on an add-on's container: its own controller's, never an unserved app container.</summary>
    public const string ContainerKind = "addon";

    /// <summary>Whether a container is an add-on's server (the app's reconcile pass leaves it alone).</summary>
    public static bool IsAddon(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Labels.ContainerLabels.Kind, out var kind) && kind == ContainerKind;

    /// <summary><c>postgres://user:password@host:5432/db</c>; the password is hex, so nothing needs escaping.</summary>
    public static string PostgresUrl(string user, string password, string host, string database) =>
        $"postgres://{user}:{password}@{host}:{PostgresPort}/{database}";

    public const string Mask = "********";
}
