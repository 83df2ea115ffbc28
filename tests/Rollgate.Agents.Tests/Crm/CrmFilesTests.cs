using Rollgate.Agents.Crm;

namespace Rollgate.Agents.Tests.Crm;

public sealed class CrmFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rollgate-crm-" + Guid.NewGuid().ToString("N"));

    public CrmFilesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private void WriteSmallJsonCrm()
    {
        Write("accounts.json", """
            [
              {"id": "A-1", "name": "Acme Analytics", "industry": "Software", "employees": 1200, "region": "EMEA", "annual_revenue": 250000000, "tier": "gold"}
            ]
            """);
        Write("contacts.json", """
            [
              {"id": "C-1", "name": "Dana Reyes", "role": "economic_buyer", "account_id": "A-1"},
              {"id": "C-2", "name": "Lee Park", "role": "champion", "do_not_contact": true, "account_id": "A-1"}
            ]
            """);
        Write("leads.json", """
            [
              {"id": "L-1", "name": "Sam Ito", "company": "Acme Analytics", "source": "webinar", "created": "2026-01-20"}
            ]
            """);
        Write("opportunities.json", """
            [
              {"id": "O-1", "name": "Acme - Platform", "stage": "Proposal", "amount": 120000, "currency": "USD",
               "close_date": "2026-03-31", "close_date_history": ["2026-01-31", "2026-02-28"], "contacts": ["C-1", "C-2"], "account_id": "A-1"}
            ]
            """);
        Write("activities.json", """
            [
              {"id": "X-1", "type": "event", "ts": "2026-01-20T10:00:00-08:00", "direction": "inbound", "subject": "Attended webinar", "lead": "L-1"},
              {"id": "X-2", "type": "meeting", "ts": "2026-01-28T10:00:00-08:00", "contact": "C-1", "opportunity": "O-1", "notes": "Evaluating Snowflake too."}
            ]
            """);
        Write("competitors.json", """["Snowflake", "BigQuery"]""");
    }

    [Fact]
    [Trait("spec", "7")]
    public void Read_JsonFolder_ReadsEveryKindWithItsLinks()
    {
        WriteSmallJsonCrm();
        var data = CrmFiles.Read(_dir);

        Assert.Equal(new CrmCounts(1, 2, 1, 1, 2), data.Counts);
        Assert.Equal(["Snowflake", "BigQuery"], data.Competitors);
        Assert.Equal("A-1", data.Contacts[1].AccountId);
        Assert.True(data.Contacts[1].DoNotContact);
        Assert.Equal([new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 28)], data.Opportunities[0].History);
        Assert.Equal(["C-1", "C-2"], data.Opportunities[0].ContactIds);
        Assert.Equal(250_000_000m, data.Accounts[0].AnnualRevenue);
        Assert.Equal("O-1", data.Activities[1].Opportunity);
    }

    [Fact]
    [Trait("spec", "7")]
    public void Read_CsvFolder_ReadsTheSameRecordsAsJson()
    {
        WriteSmallJsonCrm();
        var fromJson = CrmFiles.Read(_dir);
        foreach (var f in Directory.GetFiles(_dir))
        {
            File.Delete(f);
        }

        // Quoted cells with commas, quotes and a line break; yes/no booleans; ';' lists; unknown columns; CRLF lines.
        Write("accounts.csv", "id,name,industry,employees,region,annual_revenue,tier\r\nA-1,Acme Analytics,Software,1200,EMEA,250000000,gold\r\n");
        Write("contacts.csv", "id,name,title,email,phone,role,do_not_contact,account_id\nC-1,Dana Reyes,,,,economic_buyer,,A-1\nC-2,Lee Park,,,,champion,yes,A-1\n");
        Write("leads.csv", "id,name,company,source,created\nL-1,Sam Ito,Acme Analytics,webinar,2026-01-20\n");
        Write("opportunities.csv", "id,name,stage,amount,currency,close_date,close_date_history,contacts,account_id\n"
            + "O-1,Acme - Platform,Proposal,120000,USD,2026-03-31,2026-01-31; 2026-02-28,C-1;C-2,A-1\n");
        Write("activities.csv", "id,type,ts,direction,contact,subject,notes,scheduled,lead,opportunity\n"
            + "X-1,event,2026-01-20T10:00:00-08:00,inbound,,Attended webinar,,no,L-1,\n"
            + "X-2,meeting,2026-01-28T10:00:00-08:00,,C-1,,\"Evaluating Snowflake too.\",false,,O-1\n");
        Write("competitors.txt", "# watched in notes\nSnowflake\n\nBigQuery\n");

        var fromCsv = CrmFiles.Read(_dir);
        Assert.Equal(CrmFiles.Render(fromJson), CrmFiles.Render(fromCsv));
    }

    [Fact]
    public void Read_CsvQuotedCells_KeepCommasQuotesAndLineBreaks()
    {
        Write("leads.csv", "id,name,company\nL-1,\"Ito, Sam\",\"The \"\"Best\"\" Co\"\n");
        Write("activities.csv", "id,type,notes,lead\nX-1,note,\"line one,\nline two\",L-1\nX-2,note,after,L-1\n");
        var data = CrmFiles.Read(_dir);
        Assert.Equal("Ito, Sam", data.Leads[0].Name);
        Assert.Equal("The \"Best\" Co", data.Leads[0].Company);
        Assert.Equal("line one,\nline two", data.Activities[0].Notes);
        Assert.Equal("after", data.Activities[1].Notes);
    }

    [Fact]
    [Trait("spec", "7")]
    public void Read_JsonProblems_AreAllReportedWithFileLineRecordAndId()
    {
        WriteSmallJsonCrm();
        var leads = Write("leads.json", """
            [
              {"id": "L-1", "name": "Sam Ito"},
              {"id": "L-2", "created": "last week",
               "account_id": "A-404"}
            ]
            """);
        var activities = Write("activities.json", """
            [
              {"id": "X-1", "type": "event", "lead": "L-9"},
              {"id": "X-2", "type": "fax", "contact": "C-1"},
              {"id": "X-3", "type": "note"},
              {"type": "note", "lead": "L-1"},
              {"id": "X-1", "type": "note", "lead": "L-1"}
            ]
            """);
        Write("opportunities.json", """[{"id": "O-1", "contacts": ["C-1", "C-77"], "account_id": "A-1"}]""");

        var ex = Assert.Throws<InvalidCrmException>(() => CrmFiles.Read(_dir));
        Assert.Equal(
        [
            $"{leads}:3: record 2 (id L-2): created: 'last week' is not a date (YYYY-MM-DD)",
            $"{leads}:3: record 2 (id L-2): account_id 'A-404' names no account",
            $"{Path.Combine(_dir, "opportunities.json")}:1: record 1 (id O-1): contacts[1] 'C-77' names no contact",
            $"{activities}:2: record 1 (id X-1): lead 'L-9' names no lead",
            $"{activities}:3: record 2 (id X-2): type 'fax' is not one of email, call, meeting, web_visit, content_download, event, note",
            $"{activities}:4: record 3 (id X-3): links to no lead, opportunity or contact",
            $"{activities}:5: record 4: missing 'id'",
            $"{activities}:6: record 5 (id X-1): id 'X-1' is used by an earlier activity",
        ], ex.Errors);
    }

    [Fact]
    [Trait("spec", "7")]
    public void Read_CsvProblems_NameTheLine()
    {
        var contacts = Write("contacts.csv", "id,name,role,do_not_contact,account_id\nC-1,Dana,buyer,maybe,A-1\nC-2,Lee\n");
        var ex = Assert.Throws<InvalidCrmException>(() => CrmFiles.Read(_dir));
        Assert.Equal(
        [
            $"{contacts}:2: do_not_contact: must be true or false",
            $"{contacts}:2: account_id 'A-1' names no account",
            $"{contacts}:2: role 'buyer' is not one of champion, economic_buyer, decision_maker, influencer, user",
            $"{contacts}:3: 2 fields, but the header has 5",
        ], ex.Errors);
    }

    [Fact]
    public void Read_InvalidJson_NamesTheLine()
    {
        var path = Write("accounts.json", "[\n  {\"id\": \"A-1\"},\n  {\"id\": }\n]\n");
        var ex = Assert.Throws<InvalidCrmException>(() => CrmFiles.Read(_dir));
        Assert.StartsWith($"{path}:3: not valid JSON: ", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Read_NotAnArray_OrBothForms_OrNothing_IsAProblem()
    {
        var accounts = Write("accounts.json", """{"id": "A-1"}""");
        Write("leads.json", "[]");
        Write("leads.csv", "id\n");
        Write("competitors.json", """["Snowflake", 42]""");
        var ex = Assert.Throws<InvalidCrmException>(() => CrmFiles.Read(_dir));
        Assert.Contains($"{accounts}:1: must be a JSON array", ex.Errors);
        Assert.Contains($"{_dir}: both leads.json and leads.csv; keep one", ex.Errors);
        Assert.Contains($"{Path.Combine(_dir, "competitors.json")}:1: a competitor must be a name (text)", ex.Errors);

        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        Assert.Contains("no CRM files", Assert.Single(Assert.Throws<InvalidCrmException>(() => CrmFiles.Read(empty)).Errors));
        Assert.Contains("no such folder", Assert.Single(Assert.Throws<InvalidCrmException>(() => CrmFiles.Read(Path.Combine(_dir, "nope"))).Errors));
    }

    [Fact]
    public void Write_ThenRead_GivesBackTheSameRecords()
    {
        var demo = DemoCrm.Generate(3);
        CrmFiles.Write(demo, _dir);
        var back = CrmFiles.Read(_dir);
        Assert.Equal(CrmFiles.Render(demo), CrmFiles.Render(back));
        Assert.Equal(demo.Counts, back.Counts);
        Assert.Equal(CrmJson.Write(demo.Opportunities[^1]).ToJsonString(), CrmJson.Write(back.Opportunities[^1]).ToJsonString());
    }

    [Fact]
    public void Render_WritesOneRecordALine_WithReadableText()
    {
        var data = CrmData.Empty with
        {
            Contacts = [new Contact("C-1", "Dana O'Neil", Phone: "+1-415-555-0100", Email: "dana@acme.example.com")],
        };
        var files = CrmFiles.Render(data).ToDictionary(f => f.Name, f => f.Text);
        Assert.Equal("""
            [
              {"id":"C-1","name":"Dana O'Neil","email":"dana@acme.example.com","phone":"+1-415-555-0100"}
            ]

            """.Replace("\r\n", "\n", StringComparison.Ordinal), files["contacts.json"]);
        Assert.Equal("[]\n", files["leads.json"]);
    }
}
