// Every test here trains or starts servers: one at a time on the two shared cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
