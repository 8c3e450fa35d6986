namespace Exchange.Synthetic;

/// <summary>A county-level GB/T 2260 division. Rural counties send more people out than city districts take in.</summary>
internal sealed record Division(string Code, string Name, bool Urban)
{
    public string ProvinceCode => Code[..2];
}

/// <summary>A province: how many hukou it holds, how readily its people leave, how strongly it draws migrants.</summary>
internal sealed record Province(string Code, string Name, double HukouWeight, double OutMigration, double Attraction);

/// <summary>
/// Real county-level codes of ten provinces. Inland provinces (Henan, Sichuan, Hubei, Anhui, Hunan) send migrants to the
/// coast (Guangdong, Zhejiang, Jiangsu, Shanghai, Beijing). Some codes have since been renamed; IDs keep the birth code.
/// </summary>
internal static class Divisions
{
    public static readonly Province[] Provinces =
    [
        new("11", "北京", 1.5, 0.2, 12),
        new("31", "上海", 1.5, 0.2, 14),
        new("44", "广东", 9.0, 0.5, 38),
        new("33", "浙江", 5.0, 0.5, 18),
        new("32", "江苏", 7.0, 0.6, 14),
        new("41", "河南", 9.0, 1.6, 1),
        new("51", "四川", 7.5, 1.6, 1),
        new("42", "湖北", 5.0, 1.4, 1),
        new("34", "安徽", 5.5, 1.7, 1),
        new("43", "湖南", 6.0, 1.5, 1),
    ];

    public static readonly Division[] All =
    [
        // Beijing
        new("110101", "东城区", true), new("110102", "西城区", true), new("110105", "朝阳区", true), new("110106", "丰台区", true),
        new("110107", "石景山区", true), new("110108", "海淀区", true), new("110109", "门头沟区", true), new("110111", "房山区", true),
        new("110112", "通州区", true), new("110113", "顺义区", true), new("110114", "昌平区", true), new("110115", "大兴区", true),

        // Shanghai
        new("310101", "黄浦区", true), new("310104", "徐汇区", true), new("310105", "长宁区", true), new("310106", "静安区", true),
        new("310107", "普陀区", true), new("310109", "虹口区", true), new("310110", "杨浦区", true), new("310112", "闵行区", true),
        new("310113", "宝山区", true), new("310114", "嘉定区", true), new("310115", "浦东新区", true), new("310117", "松江区", true),
        new("310118", "青浦区", true), new("310120", "奉贤区", true),

        // Guangdong: Guangzhou, Shenzhen, Foshan, Dongguan, Zhongshan, and rural counties of the east and west
        new("440103", "荔湾区", true), new("440104", "越秀区", true), new("440105", "海珠区", true), new("440106", "天河区", true),
        new("440111", "白云区", true), new("440112", "黄埔区", true), new("440113", "番禺区", true), new("440114", "花都区", true),
        new("440303", "罗湖区", true), new("440304", "福田区", true), new("440305", "南山区", true), new("440306", "宝安区", true),
        new("440307", "龙岗区", true), new("440309", "龙华区", true), new("440604", "禅城区", true), new("440605", "南海区", true),
        new("440606", "顺德区", true), new("441900", "东莞市", true), new("442000", "中山市", true),
        new("441424", "五华县", false), new("441521", "海丰县", false), new("440825", "徐闻县", false),

        // Zhejiang
        new("330102", "上城区", true), new("330105", "拱墅区", true), new("330106", "西湖区", true), new("330108", "滨江区", true),
        new("330109", "萧山区", true), new("330110", "余杭区", true), new("330203", "海曙区", true), new("330212", "鄞州区", true),
        new("330302", "鹿城区", true), new("330782", "义乌市", true),
        new("330127", "淳安县", false), new("331022", "三门县", false), new("330522", "长兴县", false),

        // Jiangsu
        new("320102", "玄武区", true), new("320104", "秦淮区", true), new("320105", "建邺区", true), new("320106", "鼓楼区", true),
        new("320115", "江宁区", true), new("320505", "虎丘区", true), new("320506", "吴中区", true), new("320508", "姑苏区", true),
        new("320583", "昆山市", true), new("320582", "张家港市", true),
        new("320321", "丰县", false), new("320322", "沛县", false), new("321323", "泗阳县", false), new("320723", "灌云县", false),

        // Henan
        new("410102", "中原区", true), new("410103", "二七区", true), new("410105", "金水区", true), new("410181", "巩义市", true),
        new("410122", "中牟县", false), new("411721", "西平县", false), new("411722", "上蔡县", false), new("411623", "商水县", false),
        new("411625", "郸城县", false), new("411526", "潢川县", false), new("411422", "睢县", false), new("411324", "镇平县", false),
        new("410526", "滑县", false),

        // Sichuan
        new("510104", "锦江区", true), new("510105", "青羊区", true), new("510106", "金牛区", true), new("510107", "武侯区", true),
        new("510108", "成华区", true), new("510116", "双流区", true),
        new("510121", "金堂县", false), new("511321", "南部县", false), new("511323", "蓬安县", false), new("511621", "岳池县", false),
        new("513721", "通江县", false), new("510921", "蓬溪县", false), new("511025", "资中县", false),

        // Hubei
        new("420102", "江岸区", true), new("420103", "江汉区", true), new("420106", "武昌区", true), new("420111", "洪山区", true),
        new("420115", "江夏区", true),
        new("421122", "红安县", false), new("421126", "蕲春县", false), new("421121", "团风县", false), new("420921", "孝昌县", false),
        new("420625", "谷城县", false),

        // Anhui
        new("340102", "瑶海区", true), new("340103", "庐阳区", true), new("340104", "蜀山区", true), new("340111", "包河区", true),
        new("340121", "长丰县", false), new("341221", "临泉县", false), new("341222", "太和县", false), new("341225", "阜南县", false),
        new("341321", "砀山县", false), new("341621", "涡阳县", false),

        // Hunan
        new("430102", "芙蓉区", true), new("430103", "天心区", true), new("430104", "岳麓区", true), new("430105", "开福区", true),
        new("430111", "雨花区", true),
        new("430121", "长沙县", false), new("430523", "邵阳县", false), new("430525", "洞口县", false), new("430524", "隆回县", false),
        new("431321", "双峰县", false), new("430621", "岳阳县", false),
    ];

    /// <summary>Each division's code as a number, the first six digits of an ID.</summary>
    public static readonly long[] Numeric = [.. All.Select(d => long.Parse(d.Code, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Province index of each division.</summary>
    public static readonly int[] ProvinceOf = [.. All.Select(d => Array.FindIndex(Provinces, p => p.Code == d.ProvinceCode))];

    /// <summary>Where a province's people hold hukou: rural counties weigh twice a city district.</summary>
    public static readonly WeightedTable<short>[] HukouIn =
        [.. Provinces.Select((_, p) => Table(i => ProvinceOf[i] == p ? (All[i].Urban ? 1 : 2) : 0))];

    /// <summary>Where migrants into a province live: its urban divisions.</summary>
    public static readonly WeightedTable<short>[] UrbanIn =
        [.. Provinces.Select((_, p) => Table(i => ProvinceOf[i] == p && All[i].Urban ? 1 : 0))];

    public static readonly WeightedTable<int> ProvinceByHukou = new(Provinces.Select((p, i) => (i, p.HukouWeight)));

    public static readonly WeightedTable<int> ProvinceByAttraction = new(Provinces.Select((p, i) => (i, p.Attraction)));

    public static int ProvinceIndexOf(short division) => ProvinceOf[division];

    private static WeightedTable<short> Table(Func<int, double> weight) =>
        new(Enumerable.Range(0, All.Length).Select(i => ((short)i, weight(i))));
}
