using System.Collections;
using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Server.Auditing;

/// <summary>
/// Finds, in any request or response message, what an audit entry must name: person ids (fields
/// "person_id" and "*_person_id"), records ("source_system" + "record_id", the source inherited from an
/// enclosing message) and provinces (fields "division" and "*_division"). Driven by the proto field names,
/// so a new service is audited without code here. The plan per message type is computed once.
/// </summary>
internal static class AuditFacts
{
    private static readonly ConcurrentDictionary<MessageDescriptor, Plan> Plans = new();

    public static void Collect(IMessage message, AuditScope scope) => Visit(message, "", scope, 0);

    /// <summary>The purpose stated in a request, if it has a "purpose" field.</summary>
    public static string Purpose(IMessage request) =>
        request.Descriptor.FindFieldByName("purpose") is { FieldType: FieldType.String, IsRepeated: false } field
            ? (string)field.Accessor.GetValue(request)
            : "";

    /// <summary>The division prefix a request asks for, if it has one.</summary>
    public static string DivisionPrefix(IMessage request) =>
        request.Descriptor.FindFieldByName("division_prefix") is { FieldType: FieldType.String, IsRepeated: false } field
            ? (string)field.Accessor.GetValue(request)
            : "";

    /// <summary>Items in a unary response: the elements of its top-level repeated fields, else 1.</summary>
    public static long CountItems(IMessage response)
    {
        var count = 0L;
        var anyRepeated = false;
        foreach (var field in response.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsRepeated && !field.IsMap && field.FieldType == FieldType.Message)
            {
                anyRepeated = true;
                count += ((IList)field.Accessor.GetValue(response)).Count;
            }
        }

        return anyRepeated ? count : 1;
    }

    private static void Visit(IMessage message, string inheritedSource, AuditScope scope, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        var plan = Plans.GetOrAdd(message.Descriptor, Build);
        var source = plan.Source is { } sourceField && (string)sourceField.Accessor.GetValue(message) is { Length: > 0 } own ? own : inheritedSource;
        foreach (var field in plan.PersonIds)
        {
            if ((long)field.Accessor.GetValue(message) is var id and not 0)
            {
                scope.AddPerson(id);
            }
        }

        if (plan.RecordId is { } recordField && (string)recordField.Accessor.GetValue(message) is { Length: > 0 } recordId)
        {
            scope.AddRecord(source.Length > 0 ? source + "/" + recordId : recordId);
        }

        foreach (var field in plan.Divisions)
        {
            if ((string)field.Accessor.GetValue(message) is { Length: >= 2 } division)
            {
                scope.AddRegion(division[..2]);
            }
        }

        foreach (var field in plan.Messages)
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (IList)value)
                {
                    Visit((IMessage)item, source, scope, depth + 1);
                }
            }
            else if (value is IMessage nested)
            {
                Visit(nested, source, scope, depth + 1);
            }
        }
    }

    private static Plan Build(MessageDescriptor descriptor)
    {
        var fields = descriptor.Fields.InDeclarationOrder();
        return new Plan(
            fields.Where(f => !f.IsRepeated && f.FieldType == FieldType.Int64 && (f.Name == "person_id" || f.Name.EndsWith("_person_id", StringComparison.Ordinal))).ToArray(),
            fields.FirstOrDefault(f => !f.IsRepeated && f.FieldType == FieldType.String && f.Name == "record_id"),
            fields.FirstOrDefault(f => !f.IsRepeated && f.FieldType == FieldType.String && f.Name == "source_system"),
            fields.Where(f => !f.IsRepeated && f.FieldType == FieldType.String && (f.Name == "division" || f.Name.EndsWith("_division", StringComparison.Ordinal))).ToArray(),
            // Well-known types (timestamps, ...) never name persons.
            fields.Where(f => f.FieldType == FieldType.Message && !f.IsMap && !f.MessageType.FullName.StartsWith("google.", StringComparison.Ordinal)).ToArray());
    }

    private sealed record Plan(FieldDescriptor[] PersonIds, FieldDescriptor? RecordId, FieldDescriptor? Source, FieldDescriptor[] Divisions, FieldDescriptor[] Messages);
}
