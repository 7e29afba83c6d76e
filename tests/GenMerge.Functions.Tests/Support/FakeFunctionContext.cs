using Microsoft.Azure.Functions.Worker;

namespace GenMerge.Functions.Tests.Support;

/// <summary>Just enough of an invocation for the activity wrappers: its services and its binding data.</summary>
public sealed class FakeFunctionContext(IServiceProvider services, IReadOnlyDictionary<string, object?> bindingData) : FunctionContext
{
    sealed class Bindings(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();
    public override string FunctionId => throw new NotSupportedException();
    public override TraceContext TraceContext => throw new NotSupportedException();
    public override BindingContext BindingContext { get; } = new Bindings(bindingData);
    public override RetryContext RetryContext => throw new NotSupportedException();
    public override IServiceProvider InstanceServices { get; set; } = services;
    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
    public override IInvocationFeatures Features => throw new NotSupportedException();
}
