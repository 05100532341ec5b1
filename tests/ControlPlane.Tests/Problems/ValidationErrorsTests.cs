using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Tests.Problems;

public sealed class ValidationErrorsTests
{
    [Test]
    public void Check_CollectsMessagesPerField_AndIgnoresNulls()
    {
        var errors = new ValidationErrors()
            .Check("name", "too long")
            .Check("name", "bad character")
            .Check("image", null);

        errors.Any.Should().BeTrue();
        errors.ToDictionary().Should().ContainKey("name").WhoseValue.Should().Equal("too long", "bad character");
        errors.ToDictionary().Should().NotContainKey("image");
    }

    [Test]
    public void Check_OnlyNulls_IsValid() => new ValidationErrors().Check("a", null).Any.Should().BeFalse();
}
