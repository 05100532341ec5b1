using PersonalCloud.Reconciler.Backups;

namespace PersonalCloud.Reconciler.Tests.Backups;

public sealed class ManifestComparisonTests
{
    private static readonly ManifestEntry Root = new(".", "dir", 0, 0x1ED, 0, 0, null, null);
    private static readonly ManifestEntry File = new("a b/c.txt", "file", 5, 0x1A4, 1000, 1000, "aa11bb22cc33dd44", null);

    private static readonly object[] Cases =
    [
        new object?[] { new[] { Root with { Mode = 0x1FF }, File }, null },
        new object?[] { new[] { Root }, "'a b/c.txt' is missing*" },
        new object?[] { new[] { Root, File with { Sha256 = "ff11bb22cc33dd44" } }, "'a b/c.txt' has different contents*" },
        new object?[] { new[] { Root, File with { Mode = 0x1B6 } }, "'a b/c.txt' has mode 666*" },
        new object?[] { new[] { Root, File, File with { Path = "extra" } }, "*1 entries the backup does not list (e.g. 'extra')" },
    ];

    [TestCaseSource(nameof(Cases))]
    public void Difference_NamesTheFirstEntryThatDiffers(ManifestEntry[] restored, string? expected)
    {
        var difference = ManifestComparison.Difference([Root, File], restored);

        if (expected is null)
            difference.Should().BeNull();
        else
            difference.Should().Match(expected);
    }
}
