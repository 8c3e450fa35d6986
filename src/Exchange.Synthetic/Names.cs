using System.Globalization;

namespace Exchange.Synthetic;

/// <summary>
/// Chinese names as they are really distributed: ~100 surnames by frequency (a few compound) and given names of one
/// or two characters from weighted lists, so that 张伟, 王芳 and 李娜 recur many times. Also the two kinds of name
/// noise: same-pinyin substitutes and traditional forms.
/// </summary>
internal static class Names
{
    // Approximate shares (percent) of the most common surnames; the compound ones are rare but present.
    private static readonly List<(string Item, double Weight)> SurnameWeights = Weights(
        "王:7.1 李:7.0 张:6.4 刘:5.4 陈:4.6 杨:3.1 黄:2.4 赵:2.2 吴:2.0 周:1.9 徐:1.5 孙:1.5 马:1.4 朱:1.3 胡:1.2 " +
        "郭:1.2 何:1.2 林:1.1 高:1.1 罗:1.0 郑:0.97 梁:0.96 谢:0.84 宋:0.8 唐:0.79 许:0.72 韩:0.7 冯:0.69 邓:0.68 " +
        "曹:0.67 彭:0.64 曾:0.62 肖:0.6 田:0.6 董:0.58 袁:0.56 潘:0.55 于:0.54 蒋:0.53 蔡:0.52 余:0.5 杜:0.49 " +
        "叶:0.48 程:0.47 苏:0.46 魏:0.45 吕:0.44 丁:0.43 任:0.42 沈:0.41 姚:0.4 卢:0.39 姜:0.38 崔:0.37 钟:0.36 " +
        "谭:0.35 陆:0.34 汪:0.33 范:0.32 金:0.31 石:0.3 廖:0.3 贾:0.29 夏:0.29 韦:0.28 付:0.28 方:0.27 白:0.27 " +
        "邹:0.26 孟:0.26 熊:0.25 秦:0.25 邱:0.24 江:0.24 尹:0.23 薛:0.23 闫:0.22 段:0.22 雷:0.21 侯:0.21 龙:0.2 " +
        "史:0.2 陶:0.19 黎:0.19 贺:0.18 顾:0.18 毛:0.17 郝:0.17 龚:0.16 邵:0.16 万:0.15 钱:0.15 严:0.14 覃:0.14 " +
        "武:0.14 戴:0.13 莫:0.13 孔:0.12 向:0.12 汤:0.12 常:0.11 欧阳:0.03 司马:0.006 上官:0.006 诸葛:0.005");

    public static readonly string[] Surnames = [.. SurnameWeights.Select(s => s.Item)];
    private static readonly WeightedTable<short> SurnameTable = new(SurnameWeights.Select((s, i) => ((short)i, s.Weight)));

    // Given names: single characters (also used as the second of two), first characters, and whole common pairs.
    private static readonly WeightedTable<char> MaleSingle = Chars(
        "伟:10 强:6 磊:6 军:6 勇:5.5 杰:5 涛:5 明:4.5 超:4.5 刚:4 平:3.5 辉:3.5 鹏:3 华:3 飞:3 斌:3 波:3 宇:3 浩:3 洋:3 " +
        "凯:2.5 健:2.5 俊:2.5 龙:2.5 峰:2.5 东:2.5 亮:2.5 帆:2 帅:2 旭:2 宁:2 林:2 建:2 阳:2 成:2 国:2 文:2 博:2 敏:2 " +
        "志:1.5 海:1.5 晨:1.5 鑫:1.5 毅:1.5 彬:1.5 利:1.5 兵:1.5 昊:1.5 轩:1.5 然:1.5 睿:1.5 泽:1.5 锋:1.5 宏:1.5 生:1.5 " +
        "新:1 武:1 永:1 良:1 松:1 荣:1 庆:1 春:1 铭:1 玮:1 炜:1 伦:1 鸣:1 钢:1 诚:1 剑:1");

    private static readonly WeightedTable<char> FemaleSingle = Chars(
        "芳:8 娜:7 静:7 敏:6 丽:6 艳:5 娟:5 霞:4 燕:4 玲:4 婷:4 倩:3 雪:3 慧:3 红:3 梅:3 莉:2.5 琳:2.5 晶:2 颖:2 " +
        "洁:2 琴:2 云:2 兰:2 萍:2 英:2 华:2 佳:2 欣:2 丹:2 平:2 楠:2 凤:1.5 秀:1.5 蕾:1.5 莹:1.5 悦:1.5 怡:1.5 雯:1.5 " +
        "瑶:1.5 妍:1.5 璐:1 薇:1 月:1 露:1 菲:1 宁:1 珍:1 荣:1 鸿:1 岚:1 婧:1 蓉:1 茜:1");

    private static readonly WeightedTable<char> MaleFirst = Chars(
        "建:4 志:4 国:3 海:3 晓:3 文:3 子:3 小:2 明:2 俊:2 家:2 永:2 天:2 浩:2 宇:2 德:1.5 立:1.5 宏:1.5 一:1.5 " +
        "嘉:1.5 伟:1.5 振:1 世:1 少:1 金:1 春:1 新:1 云:1 思:1 学:1 卫:1 东:1");

    private static readonly WeightedTable<char> FemaleFirst = Chars(
        "晓:4 秀:3 玉:3 丽:3 小:2 红:2 春:2 佳:2 梦:2 欣:2 雅:2 美:2 静:2 思:2.5 雨:2.5 子:2 嘉:2 文:1.5 海:1.5 " +
        "金:1 一:1 家:1 婷:1 慧:1 雪:1 桂:1 凤:1 艳:1");

    private static readonly WeightedTable<string> MaleCommonPairs = Pairs(
        "建华:5 建国:5 建军:5 志强:4 志刚:3 国强:3 海涛:3 建平:3 永强:2 俊杰:2 志明:2 文斌:2 海峰:2 晓东:2 浩然:2 " +
        "国庆:2 建明:2 卫东:1.5 红军:1.5 子豪:1 宇轩:1");

    private static readonly WeightedTable<string> FemaleCommonPairs = Pairs(
        "秀英:10 桂英:6 秀兰:6 玉兰:5 桂兰:4 秀珍:4 凤英:3 玉珍:3 玉梅:3 海燕:3 红梅:3 丽娟:2 晓燕:2 秀云:2 丽华:2 " +
        "淑珍:2 桂芳:2 玉英:2 春梅:1.5 金凤:1.5");

    // Groups of characters with the same toneless pinyin; a clerk typing pinyin picks the wrong one of a group.
    private static readonly string[] HomophoneGroups =
    [
        "张章", "王汪", "李黎", "刘柳", "陈晨", "杨阳洋", "黄皇", "赵照", "吴武", "周舟", "徐许旭", "马玛", "朱珠", "胡湖",
        "郭国", "何和", "高郜", "林琳霖", "罗洛", "郑正", "梁良", "宋送", "唐堂", "韩寒", "冯风峰锋丰凤", "邓登", "彭朋鹏",
        "曾增", "肖萧晓小筱", "田甜", "董东冬", "袁元", "于余宇雨玉语", "蒋江", "杜度", "叶业", "程成诚城", "苏素",
        "魏卫伟玮炜维薇微", "吕旅", "沈申", "姚瑶遥", "卢陆璐露路", "钟忠", "谭谈", "范凡帆", "金今", "石时",
        "贾家佳嘉", "夏霞侠", "付傅", "方芳", "白柏", "孟梦", "秦琴勤芹", "邱秋", "丽莉俐力", "军君钧俊", "华桦花",
        "静晶靖婧", "敏民闵", "燕艳雁", "红宏鸿虹", "杰洁捷", "玲铃凌灵", "明铭鸣", "磊蕾", "勇永涌", "强蔷", "涛滔韬",
        "刚钢纲", "平萍苹", "辉晖徽", "飞菲非", "斌彬宾", "浩昊皓", "凯恺", "健建剑", "文雯闻", "志智治", "娟鹃", "婷亭",
        "雪学", "慧惠蕙", "梅玫媚", "颖莹英", "云芸韵", "兰岚蓝", "欣新鑫馨", "倩茜", "楠南", "悦月越", "怡宜仪毅义艺",
        "宁凝", "龙隆", "超朝", "波博", "荣容蓉", "春纯", "珍真", "秀绣", "桂贵",
    ];

    // Standard simplified → traditional pairs only (no variant or context-dependent mappings).
    private const string TraditionalPairs =
        "张張伟偉丽麗华華国國陈陳刘劉杨楊黄黃赵趙吴吳郑鄭孙孫马馬罗羅许許邓鄧冯馮韩韓东東军軍红紅静靜强強艳艷杰傑涛濤" +
        "刚剛兰蘭凤鳳云雲飞飛宁寧凯凱龙龍鹏鵬辉輝谢謝蒋蔣叶葉苏蘇吕呂卢盧钟鍾谭譚陆陸贾賈韦韋邹鄒闫閆贺賀顾顧龚龔" +
        "万萬钱錢严嚴汤湯欧歐阳陽诸諸颖穎洁潔莹瑩悦悅瑶瑤晓曉帅帥轩軒泽澤锋鋒荣榮庆慶铭銘玮瑋炜煒梦夢贵貴维維钢鋼" +
        "鸿鴻鸣鳴岚嵐诚誠剑劍丰豐学學卫衛伦倫";

    private static readonly Dictionary<char, string> Homophones = BuildHomophones();
    private static readonly Dictionary<char, char> Traditional = BuildTraditional();

    public static short PickSurname(Random random) => SurnameTable.Pick(random);

    /// <summary>
    /// Draws a given name; single-character names peak among people born 1960–1994 and the old pairs (秀英, 建国) among
    /// the oldest. <paramref name="second"/> is '\0' for a single-character name.
    /// </summary>
    public static void PickGivenName(Random random, bool male, int birthYear, out char first, out char second)
    {
        var singleShare = birthYear is >= 1960 and < 1995 ? 0.45 : 0.3;
        var commonPairShare = birthYear < 1965 ? 0.2 : 0.06;
        var draw = random.NextDouble();
        var singles = male ? MaleSingle : FemaleSingle;
        if (draw < singleShare)
        {
            first = singles.Pick(random);
            second = '\0';
        }
        else if (draw < singleShare + commonPairShare)
        {
            var pair = (male ? MaleCommonPairs : FemaleCommonPairs).Pick(random);
            first = pair[0];
            second = pair[1];
        }
        else
        {
            first = (male ? MaleFirst : FemaleFirst).Pick(random);
            second = singles.Pick(random);
        }
    }

    public static string FullName(short surname, char first, char second) =>
        second == '\0' ? string.Concat(Surnames[surname], first.ToString()) : string.Concat(Surnames[surname], first.ToString(), second.ToString());

    /// <summary>The name with one character replaced by a same-pinyin one, or null when no character has a homophone.</summary>
    public static string? WithHomophone(string name, Random random)
    {
        Span<int> positions = stackalloc int[name.Length];
        var count = 0;
        for (var i = 0; i < name.Length; i++)
        {
            if (Homophones.ContainsKey(name[i]))
            {
                positions[count++] = i;
            }
        }

        if (count == 0)
        {
            return null;
        }

        var position = positions[random.Next(count)];
        var alternatives = Homophones[name[position]];
        var chars = name.ToCharArray();
        chars[position] = alternatives[random.Next(alternatives.Length)];
        return new string(chars);
    }

    /// <summary>The name in traditional characters, or null when it is written the same in both.</summary>
    public static string? InTraditional(string name)
    {
        var chars = name.ToCharArray();
        var changed = false;
        for (var i = 0; i < chars.Length; i++)
        {
            if (Traditional.TryGetValue(chars[i], out var traditional))
            {
                chars[i] = traditional;
                changed = true;
            }
        }

        return changed ? new string(chars) : null;
    }

    /// <summary>Every character that can appear in a generated name, for tests.</summary>
    public static IEnumerable<string> AllNameParts() =>
        Surnames
            .Concat(MaleSingle.Items.Concat(FemaleSingle.Items).Concat(MaleFirst.Items).Concat(FemaleFirst.Items).Select(c => c.ToString()))
            .Concat(MaleCommonPairs.Items).Concat(FemaleCommonPairs.Items);

    private static Dictionary<char, string> BuildHomophones()
    {
        var map = new Dictionary<char, string>();
        foreach (var group in HomophoneGroups)
        {
            foreach (var c in group)
            {
                // A character in two groups would make substitution ambiguous: a mistake in the table.
                if (!map.TryAdd(c, group.Replace(c.ToString(), string.Empty, StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"'{c}' is in two homophone groups.");
                }
            }
        }

        return map;
    }

    private static Dictionary<char, char> BuildTraditional()
    {
        var map = new Dictionary<char, char>();
        for (var i = 0; i + 1 < TraditionalPairs.Length; i += 2)
        {
            map[TraditionalPairs[i]] = TraditionalPairs[i + 1];
        }

        return map;
    }

    private static List<(string Item, double Weight)> Weights(string spec) =>
        [.. spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(token =>
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            return (token[..colon], double.Parse(token.AsSpan(colon + 1), CultureInfo.InvariantCulture));
        })];

    private static WeightedTable<char> Chars(string spec) => new(Weights(spec).Select(w => (w.Item[0], w.Weight)));

    private static WeightedTable<string> Pairs(string spec) => new(Weights(spec));
}
