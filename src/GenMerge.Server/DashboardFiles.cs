using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace GenMerge.Server;

/// <summary>The dashboard's static files, embedded in this assembly (wwwroot/, no build step).</summary>
public static class DashboardFiles
{
    static readonly Assembly Self = typeof(DashboardFiles).Assembly;

    public static IResult Get(string file)
    {
        Stream? content = Self.GetManifestResourceStream("dashboard/" + file);
        if (content is null) return Results.NotFound();
        string type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.Stream(content, type);
    }
}
