using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.Contracts.Api;
using PersonalCloud.ControlPlane.Audit;

namespace PersonalCloud.ControlPlane.Tests.Audit;

/// <summary>The release a call made is found in its result, typed unions included, so the audit record can link it.</summary>
public sealed class AuditedReleaseTests
{
    private static readonly ReleaseResponse Release = new(Guid.NewGuid(), Guid.NewGuid(), "hello:1", null, null, "pending", null,
        DateTimeOffset.UnixEpoch, null, null);

    [Test]
    public void AcceptedWithARelease_NamesIt()
    {
        Results<Accepted<AcceptedResponse>, ProblemHttpResult> result = TypedResults.Accepted("/api/apps/x", new AcceptedResponse(Release.AppId, 2, "/api/apps/x", Release));

        AuditedRelease.ReleaseOf(result).Should().Be(Release.Id);
    }

    [Test]
    public void AcceptedWithoutARelease_OrAProblem_NamesNone()
    {
        AuditedRelease.ReleaseOf(TypedResults.Accepted("/api/apps/x", new AcceptedResponse(Release.AppId, 2, "/api/apps/x"))).Should().BeNull();
        Results<Accepted<AcceptedResponse>, ProblemHttpResult> problem = TypedResults.Problem(statusCode: 404);
        AuditedRelease.ReleaseOf(problem).Should().BeNull();
        AuditedRelease.ReleaseOf(null).Should().BeNull();
    }
}
