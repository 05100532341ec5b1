using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Tests.Problems;

/// <summary>Every problem the framework writes by itself gets one of the platform's stable types, never a generic link.</summary>
public sealed class ProblemDetailsCustomizationTests
{
    [TestCase(400, "bad-request")]
    [TestCase(401, "unauthorized")]
    [TestCase(403, "forbidden")]
    [TestCase(404, "not-found")]
    [TestCase(405, "method-not-allowed")]
    [TestCase(413, "too-large")]
    [TestCase(415, "unsupported-media-type")]
    [TestCase(429, "too-many-requests")]
    [TestCase(500, "internal-error")]
    [TestCase(418, "http-error")]
    public void Apply_ToAFrameworkProblem_GivesTheStatusItsStableType(int status, string kind)
    {
        var problem = new ProblemDetails { Status = status, Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1" };

        ProblemDetailsCustomization.Apply(new ProblemDetailsContext { HttpContext = new DefaultHttpContext(), ProblemDetails = problem });

        problem.Type.Should().Be(ProblemTypes.Base + kind);
    }

    [Test]
    public void Apply_ToAProblemThePlatformTyped_LeavesIt()
    {
        var problem = new ProblemDetails { Status = 400, Type = ProblemTypes.InvalidJsonType, Title = "kept" };

        ProblemDetailsCustomization.Apply(new ProblemDetailsContext { HttpContext = new DefaultHttpContext(), ProblemDetails = problem });

        problem.Type.Should().Be(ProblemTypes.InvalidJsonType);
        problem.Title.Should().Be("kept");
    }
}
