using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace GenMerge.Functions.Tests.Support;

/// <summary>A response as the client sees it: status, Location header and parsed JSON body.</summary>
public sealed record HttpAnswer(int Status, string? Location, JsonElement Body, string Text)
{
    public string Error => Body.GetProperty("error").GetString()!;
    public string Str(string name) => Body.GetProperty(name).GetString()!;
}

/// <summary>Builds ASP.NET Core requests for the HTTP functions and runs their IActionResults the way the worker does.</summary>
public static class HttpCalls
{
    public const string Host = "localhost:7071";

    public static HttpRequest Request(string method, string path, string? body = null, string query = "")
    {
        var context = new DefaultHttpContext();
        HttpRequest r = context.Request;
        r.Method = method;
        r.Scheme = "http";
        r.Host = new HostString(Host);
        r.Path = path;
        r.QueryString = new QueryString(query);
        if (body is not null)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            r.Body = new MemoryStream(bytes);
            r.ContentLength = bytes.Length;
            r.ContentType = "application/json";
        }
        return r;
    }

    public static async Task<HttpAnswer> ExecuteAsync(IActionResult result)
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        string text = Encoding.UTF8.GetString(body.ToArray());
        Assert.StartsWith("application/json", context.Response.ContentType);
        string? location = context.Response.Headers.Location.Count > 0 ? context.Response.Headers.Location.ToString() : null;
        return new HttpAnswer(context.Response.StatusCode, location, JsonDocument.Parse(text).RootElement.Clone(), text);
    }
}
