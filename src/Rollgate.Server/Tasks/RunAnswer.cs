using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Rollgate.Server.Tasks;

/// <summary>
/// A run's answer as the response: the JSON text kept for the run, written as it is (not serialized again) and whole,
/// with its length, so that the server sends it in one write rather than as a chunk and an end-of-chunks marker; with
/// the run's outcome for the metrics.
/// </summary>
public sealed class RunAnswer(string json, string outcome) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private const string JsonUtf8 = "application/json; charset=utf-8";

    /// <summary>completed, abstained or error.</summary>
    public string Outcome => outcome;

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonUtf8;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonUtf8;
        response.ContentLength = Encoding.UTF8.GetByteCount(json);
        Encoding.UTF8.GetBytes(json, response.BodyWriter);
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(JsonObject), ["application/json"]));
}
