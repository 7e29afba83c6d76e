using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace GenMerge.Api.Http;

/// <summary>
/// A JSON response written with the API's own serializer settings (camelCase, enums as strings, nulls
/// left out). Self-contained: needs no MVC services, and is both an IActionResult (the Functions app)
/// and an IResult (`genmerge serve`'s minimal API), so one handler serves both hosts.
/// </summary>
public sealed class JsonBodyResult(int statusCode, object body, string? location = null) : IActionResult, IResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public int StatusCode { get; } = statusCode;
    public object Body { get; } = body;
    public string? Location { get; } = location;

    public static JsonBodyResult Error(int statusCode, string message) => new(statusCode, new ErrorBody(message));

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

    public async Task ExecuteAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        if (Location is not null) response.Headers.Location = Location;
        await JsonSerializer.SerializeAsync(response.Body, Body, Body.GetType(), Json, context.RequestAborted);
    }
}

/// <summary>Body of every 4xx answer: one message that names the problem (the field, the id).</summary>
public sealed record ErrorBody(string Error);
