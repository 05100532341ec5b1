namespace PersonalCloud.ControlPlane.OpenApi;

/// <summary>The OpenAPI document at /openapi/v1.json: the platform's contract, linted and used to generate a client in the tests.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddPlatformOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<ApiDocumentInfo>();
            options.AddOperationTransformer<OperationSecurity>();
            options.AddOperationTransformer<QueryParameterSchemas>();
            options.AddOperationTransformer<InputProblems>();
            options.AddSchemaTransformer<NullableDictionaryValues>();
        });
}
