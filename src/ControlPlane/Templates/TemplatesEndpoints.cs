using Microsoft.AspNetCore.Http.HttpResults;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Templates;

public static class TemplatesEndpoints
{
    public static RouteGroupBuilder MapTemplates(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/templates").WithTags("Templates");
        templates.MapGet("/", List).WithName("listTemplates");
        templates.MapGet("/{name}", Get).WithName("getTemplate")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>List app templates</summary>
    /// <remarks>The built-in templates and the user's own (JSON files in $PCLOUD_DATA_DIR/templates/, read on every call; a file named like a built-in replaces it). A file with errors is listed with them and usable=false. Create an app from one with POST /api/apps {"name": ..., "template": ...}.</remarks>
    internal static Ok<IReadOnlyList<TemplateResponse>> List(TemplateCatalog catalog)
    {
        IReadOnlyList<TemplateResponse> list = catalog.List().Select(TemplateResponse.From).ToList();
        return TypedResults.Ok(list);
    }

    /// <summary>Get one app template</summary>
    /// <remarks>The document as it will be applied, its source and any errors.</remarks>
    internal static Results<Ok<TemplateResponse>, ProblemHttpResult> Get(string name, TemplateCatalog catalog) =>
        catalog.Find(name) is { } entry ? TypedResults.Ok(TemplateResponse.From(entry)) : ProblemTypes.NotFound("The template");
}
