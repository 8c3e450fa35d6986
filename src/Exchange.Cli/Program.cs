using System.CommandLine;
using Exchange.Cli;

var root = new RootCommand("Exchange: the person-record hub between ministries (mTLS gRPC).")
{
    CertsCommands.Create(),
    AdminCommands.Create(),
    ServeCommand.Create(),
    PushCommand.Create(),
    GetCommand.Create(),
    ChangesCommand.Create(),
    DemoCommand.Create(),
    SynthCommand.Create(),
    ReportCommand.Create(),
    AuditCommands.Create(),
};
foreach (var command in PersonCommands.Create().Concat(CoverageCommands.Create()))
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
