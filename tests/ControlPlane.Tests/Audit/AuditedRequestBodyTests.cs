using System.Text;
using PersonalCloud.ControlPlane.Audit;

namespace PersonalCloud.ControlPlane.Tests.Audit;

public sealed class AuditedRequestBodyTests
{
    [Test]
    public async Task Reading_CountsAndCapturesTheWholeSmallBody()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"vars":{"A":"1"}}""");
        await using var body = new AuditedRequestBody(new MemoryStream(bytes), capture: true);

        var copy = new MemoryStream();
        await body.CopyToAsync(copy);

        copy.ToArray().Should().Equal(bytes, "the handler reads the body unchanged");
        body.BytesRead.Should().Be(bytes.Length);
        body.Captured.ToArray().Should().Equal(bytes);
        body.CapturedAll.Should().BeTrue();
    }

    [Test]
    public async Task Reading_ABodyLargerThanTheLimit_CapturesOnlyThePrefix()
    {
        var bytes = new byte[AuditedRequestBody.CaptureLimit + 5000];
        await using var body = new AuditedRequestBody(new MemoryStream(bytes), capture: true);
        await body.CopyToAsync(Stream.Null);

        body.BytesRead.Should().Be(bytes.Length);
        body.Captured.Length.Should().Be(AuditedRequestBody.CaptureLimit);
        body.CapturedAll.Should().BeFalse();
    }

    [Test]
    public async Task NotCapturing_OnlyCounts()
    {
        await using var body = new AuditedRequestBody(new MemoryStream(new byte[300]), capture: false);
        var buffer = new byte[100];
        (await body.ReadAsync(buffer)).Should().Be(100);

        body.BytesRead.Should().Be(100);
        body.Captured.IsEmpty.Should().BeTrue();
        body.ReachedEnd.Should().BeFalse();
    }
}
