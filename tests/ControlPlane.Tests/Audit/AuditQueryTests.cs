using PersonalCloud.ControlPlane.Audit;

namespace PersonalCloud.ControlPlane.Tests.Audit;

public sealed class AuditQueryTests
{
    [Test]
    public void Parse_Filters()
    {
        var app = Guid.NewGuid();
        var (filter, limit, before, errors) = AuditEndpoints.Parse(new AuditQueryParameters(app.ToString(), "2025-01-01T00:00:00Z", null, "delete", "401", "20", "99"));

        errors.Any.Should().BeFalse();
        filter.Should().Be(new AuditFilter(app, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), null, "DELETE", 401));
        limit.Should().Be(20);
        before.Should().Be(99);
    }

    [Test]
    public void Parse_BadValues_AreReportedPerField()
    {
        var (filter, _, _, errors) = AuditEndpoints.Parse(new AuditQueryParameters("x", "then", null, "FETCH", "42", "1001", "0"));
        filter.Should().BeNull();
        errors.ToDictionary().Keys.Should().BeEquivalentTo("app", "since", "method", "status", "limit", "before");
    }
}
