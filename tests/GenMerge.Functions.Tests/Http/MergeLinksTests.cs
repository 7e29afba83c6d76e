using GenMerge.Api.Merges;
using GenMerge.Functions.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace GenMerge.Functions.Tests.Http;

public sealed class MergeLinksTests
{
    [Theory]
    [InlineData("/api/merges")]
    [InlineData("/api/merges/")]
    [InlineData("/api/merges/run-1")]
    [InlineData("/api/merges/run-1/terminate")]
    public void Every_route_yields_the_same_links(string path)
    {
        MergeLinks l = MergeLinks.FromRequest(HttpCalls.Request("GET", path), "run-1");
        Assert.Equal("http://localhost:7071/api/merges/run-1", l.StatusQueryGetUri);
        Assert.Equal("http://localhost:7071/api/merges/run-1/terminate", l.TerminatePostUri);
        Assert.Equal("http://localhost:7071/api/merges/run-1", l.PurgeDeleteUri);
    }

    [Fact]
    public void Scheme_host_and_path_base_of_the_request_are_kept()
    {
        HttpRequest r = HttpCalls.Request("POST", "/genmerge/merges");
        r.Scheme = "https";
        r.Host = new HostString("gm.example.net");
        MergeLinks l = MergeLinks.FromRequest(r, "x");
        Assert.Equal("https://gm.example.net/genmerge/merges/x/terminate", l.TerminatePostUri);
    }
}
