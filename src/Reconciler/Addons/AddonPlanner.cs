using PersonalCloud.Reconciler.Containers;

namespace PersonalCloud.Reconciler.Addons;

/// <summary>
/// Pure: desired add-ons and their observed containers in, actions out. One server per add-on; a server whose spec
/// changed or that stopped is removed before its replacement starts (two Postgres servers never share a data directory).
/// A container of an add-on that is no longer desired is removed; its volume never is (the volume's own rule keeps it).
/// </summary>
public static class AddonPlanner
{
    public static IReadOnlyList<AddonAction> Plan(IReadOnlyList<DesiredAddon> desired, IReadOnlyList<ObservedAddon> observed, Func<DesiredAddon, string> specHash)
    {
        var actions = new List<AddonAction>();
        var byAddon = observed.ToLookup(o => o.AddonId);
        var wanted = desired.Select(d => d.AddonId).ToHashSet();
        foreach (var o in observed.Where(o => !wanted.Contains(o.AddonId)))
            actions.Add(new RemoveAddonContainer(o, "the add-on was deleted (its volume is kept)"));

        foreach (var d in desired)
        {
            var hash = specHash(d);
            var containers = byAddon[d.AddonId].ToList();
            var keep = containers.FirstOrDefault(c => c.State == ContainerState.Running && c.SpecHash == hash);
            foreach (var c in containers.Where(c => !ReferenceEquals(c, keep)))
                actions.Add(new RemoveAddonContainer(c, Why(c, hash)));
            actions.Add(keep is null
                ? new StartAddon(d, containers.Count == 0 ? "no server runs for the add-on" : "replacing its server")
                : new ProbeAddon(d, keep, "is it accepting connections?"));
        }

        return actions;
    }

    private static string Why(ObservedAddon c, string hash) => c.State switch
    {
        ContainerState.Running when c.SpecHash != hash => "its spec changed (image or limits)",
        ContainerState.Running => "a second server for the same add-on",
        _ => c.ExitCode is { } code ? $"the server stopped (exit code {code})" : "the server is not running",
    };
}
