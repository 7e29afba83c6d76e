using System.Net;
using System.Text;
using System.Text.Json;
using GenMerge.Server.Tests.Support;

namespace GenMerge.Server.Tests;

/// <summary>`serve --models DIR`: DIR's checkpoints are models/&lt;file&gt; in requests, and uploads land in DIR.</summary>
public sealed class ModelsFolderTests : IDisposable
{
    readonly string work = Path.Combine(Path.GetTempPath(), "genmerge-serve-models-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_merge_over_checkpoints_in_the_models_folder_completes_and_an_upload_lands_there()
    {
        string models = Path.Combine(work, "checkpoints");
        Directory.CreateDirectory(models);
        TinySources.Write(0, Path.Combine(models, "rings.safetensors"));
        await using ServeHost host = await ServeHost.StartAsync(new ServeOptions
        {
            WorkDir = work, Urls = "http://127.0.0.1:0", ModelsDir = models, MaxActivities = 1, TaskHub = "servemodeltests",
        });
        using var http = new HttpClient { BaseAddress = host.Addresses[0] };

        // squares arrives over HTTP, rings was in the folder already.
        string squares = Path.Combine(work, "squares-upload.safetensors");
        TinySources.Write(1, squares);
        using (var put = await http.PutAsync("/api/models/squares.safetensors", new ByteArrayContent(await File.ReadAllBytesAsync(squares))))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.True(File.Exists(Path.Combine(models, "squares.safetensors")), "the upload is not in the models folder");
        Assert.False(Directory.Exists(Path.Combine(work, "store", "models")), "the upload went to the store, not the models folder");

        using var post = await http.PostAsync("/api/merges", new StringContent(TinySources.Request(), Encoding.UTF8, "application/json"));
        string body = await post.Content.ReadAsStringAsync();
        Assert.True(post.StatusCode == HttpStatusCode.Accepted, body);
        string id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

        var deadline = DateTime.UtcNow.AddMinutes(6);
        string state = "";
        string status = "";
        while (DateTime.UtcNow < deadline)
        {
            status = await http.GetStringAsync($"/api/merges/{id}");
            state = JsonDocument.Parse(status).RootElement.GetProperty("runtimeStatus").GetString()!;
            if (state is "Completed" or "Failed" or "Terminated") break;
            await Task.Delay(500);
        }
        Assert.True(state == "Completed", status);
        Assert.True(File.Exists(Path.Combine(work, "store", "runs", id, "merged.safetensors")), "the run's artifacts are not in the store");

        using var missing = await http.PostAsync("/api/merges", new StringContent(TinySources.Request(firstUri: "models/wolves.safetensors"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains(models, await missing.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
