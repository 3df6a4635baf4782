import LoupeNN
/// A topic of the Chinese grammar: subjects, the bare nouns of "这是我…过最…的…", and fitting adjectives.
struct ChineseDomain {
    var subjects: [String]
    var nouns: [String]
    var adjectives: PolarWords
    /// The experience verb of "这是我吃过最好吃的菜" (吃过 / 看过 / 用过 …).
    var everVerbs: [String]
}

/// Chinese word lists of the default corpus (written for Loupe).
enum ChineseWords {
    static let general = PolarWords(
        negative: ["差", "糟糕", "烂", "差劲", "垃圾", "失败", "糟心", "坑人"],
        positive: ["好", "棒", "不错", "优秀", "完美", "出色", "赞", "给力", "满意", "理想"])

    /// Adjectives that cannot take 不 in front ("不不错").
    static let notNegatable: Set<String> = ["不错", "垃圾", "坑人", "给力", "糟心", "不靠谱", "鸡肋", "折磨人", "难以下咽", "吸引人", "有意义", "有趣", "有意思", "幽默", "震撼", "感人", "地道", "鲜美"]

    static let domains: [ChineseDomain] = [
        ChineseDomain(
            subjects: ["这家店的菜", "这道菜", "这碗面", "这里的咖啡", "外卖", "牛肉", "味道", "这家餐厅的菜", "汤",
                       "蛋糕", "早餐", "火锅", "饺子", "这份披萨", "烤鸭", "米饭", "甜点", "奶茶"],
            nouns: ["菜", "面", "咖啡", "蛋糕", "披萨", "火锅", "饺子", "烤鸭", "奶茶", "早餐"],
            adjectives: PolarWords(negative: ["难吃", "咸", "油腻", "腥", "难以下咽", "寡淡"],
                                   positive: ["好吃", "美味", "香", "新鲜", "地道", "可口", "鲜美"]),
            everVerbs: ["吃过", "尝过"]),
        ChineseDomain(
            subjects: ["服务", "服务员", "店员", "客服", "老板", "前台", "快递", "快递员", "送餐", "司机", "服务态度", "导游",
                       "老师", "医生", "工作人员", "房东"],
            nouns: ["服务", "客服", "店", "餐厅"],
            adjectives: PolarWords(negative: ["冷淡", "慢", "敷衍", "马虎", "粗鲁", "恶劣", "傲慢"],
                                   positive: ["热情", "周到", "贴心", "耐心", "专业", "友好", "细心", "及时"]),
            everVerbs: ["遇到过", "见过"]),
        ChineseDomain(
            subjects: ["这部电影", "这本书", "这部剧", "结局", "剧情", "演员的表演", "这首歌", "这场演唱会", "这个游戏",
                       "这个节目", "这部纪录片", "这部小说", "这张专辑", "这场比赛", "音乐"],
            nouns: ["电影", "书", "剧", "歌", "小说", "节目", "演唱会", "游戏"],
            adjectives: PolarWords(negative: ["无聊", "难看", "乏味", "拖沓", "老套", "难听", "幼稚", "空洞"],
                                   positive: ["精彩", "好看", "有意思", "感人", "有趣", "动听", "吸引人", "震撼", "好听", "幽默"]),
            everVerbs: ["看过", "听过", "读过"]),
        ChineseDomain(
            subjects: ["酒店的房间", "房间", "这个酒店", "环境", "公园", "这座城市", "小区", "海滩", "宿舍", "办公室",
                       "这家民宿", "卫生间", "床", "这条街", "景色"],
            nouns: ["酒店", "房间", "公园", "城市", "民宿", "地方", "海滩"],
            adjectives: PolarWords(negative: ["脏", "吵", "乱", "拥挤", "破旧", "简陋", "潮湿", "难闻"],
                                   positive: ["干净", "舒适", "安静", "漂亮", "宽敞", "整洁", "美", "温馨", "舒服"]),
            everVerbs: ["住过", "去过"]),
        ChineseDomain(
            subjects: ["这个手机", "这台电脑", "这个软件", "质量", "电池", "这件衣服", "耳机", "相机", "这双鞋", "网站",
                       "这款车", "键盘", "这个包", "这个充电器", "屏幕", "系统"],
            nouns: ["手机", "电脑", "软件", "耳机", "相机", "鞋", "车", "包"],
            adjectives: PolarWords(negative: ["难用", "卡", "粗糙", "笨重", "鸡肋", "劣质", "不靠谱"],
                                   positive: ["好用", "耐用", "结实", "流畅", "实用", "方便", "划算", "精致", "靠谱"]),
            everVerbs: ["用过", "买过"]),
        ChineseDomain(
            subjects: ["这次旅行", "这次聚会", "周末", "假期", "今天的会议", "这节课", "这次航班", "婚礼", "面试", "这一周",
                       "这次活动", "这次比赛", "这次约会", "上班的路"],
            nouns: ["旅行", "聚会", "假期", "课", "活动", "婚礼", "周末"],
            adjectives: PolarWords(negative: ["累", "辛苦", "尴尬", "混乱", "压抑", "折磨人", "煎熬"],
                                   positive: ["愉快", "开心", "顺利", "轻松", "难忘", "有意义", "充实", "精彩"]),
            everVerbs: ["经历过", "参加过"]),
    ]

    /// Degree words, written around the adjective: "很" + A, A + "极了", "太" + A + "了".
    static let degrees: [(before: String, after: String)] = [
        ("很", ""), ("很", ""), ("非常", ""), ("特别", ""), ("真", ""), ("挺", "的"), ("超级", ""), ("相当", ""),
        ("十分", ""), ("太", "了"), ("", "极了"), ("比较", ""), ("真的很", ""), ("实在太", "了"), ("格外", ""),
        ("蛮", "的"), ("无比", ""), ("", "得很"),
    ]
    /// Negation frames for a positive adjective: (before 不/没, the negator, between, after).
    static let negationsOfPositive: [(String, String, String, String)] = [
        ("", "不", "", ""), ("", "不", "太", ""), ("", "不", "怎么", ""), ("一点也", "不", "", ""), ("并", "不", "", ""),
        ("", "不", "是很", ""), ("", "没", "那么", ""), ("", "没有", "想象中那么", ""), ("", "不", "够", ""),
        ("一点都", "不", "", ""), ("", "不", "算", ""),
    ]
    /// Negation frames for a negative adjective ("一点也不贵" → positive).
    static let negationsOfNegative: [(String, String, String, String)] = [
        ("", "不", "", ""), ("一点也", "不", "", ""), ("并", "不", "", ""), ("一点都", "不", "", ""),
        ("", "不", "算", ""), ("", "没", "那么", ""), ("", "不", "太", ""),
    ]
    static let openers = ["", "", "", "", "说实话，", "总的来说，", "老实说，", "我觉得", "感觉", "个人觉得", "说真的，",
                          "总体来说，", "没想到", "我发现", "坦白说，", "整体来看，"]
    static let adverbs = ["", "", "", "", "今天", "一直", "还是", "真的", "确实", "也", "总是", "这次", "依然", "其实"]
    static let endings = ["。", "。", "。", "！", "！", "啊。", "。"]

    /// Everyday life.
    static let times = ["今天", "昨天", "这周", "周末", "这几天", "最近", "假期", "今天晚上", "今天上午", "这个月",
                        "今年", "生日那天", "昨天晚上"]
    static let dayAdjectives = PolarWords(
        negative: ["糟糕", "郁闷", "难受", "累", "辛苦", "烦", "惨", "憋屈", "难熬", "痛苦"],
        positive: ["好", "开心", "愉快", "充实", "不错", "舒服", "轻松", "快乐", "幸福", "精彩"])
    static let feelings = PolarWords(
        negative: ["难过", "伤心", "生气", "郁闷", "烦躁", "沮丧", "失落", "焦虑", "痛苦", "委屈", "失望", "孤独",
                   "无聊", "崩溃", "心烦", "担心", "害怕", "愤怒"],
        positive: ["开心", "高兴", "快乐", "幸福", "满足", "兴奋", "轻松", "愉快", "放松", "欣慰", "感动", "激动",
                   "满意", "踏实", "自豪", "温暖"])
    static let moods = PolarWords(negative: ["糟糕", "差", "低落", "沉重", "烦躁", "压抑"],
                                  positive: ["好", "不错", "愉快", "舒畅", "美", "灿烂"])
    static let weather = PolarWords(negative: ["糟糕", "差", "闷热", "阴沉", "恶劣", "冷", "潮湿"],
                                    positive: ["好", "晴朗", "舒服", "不错", "宜人", "凉爽", "暖和"])
    static let dayKinds = PolarWords(negative: ["糟糕", "倒霉", "郁闷", "失败", "难熬", "疲惫", "悲惨", "混乱"],
                                     positive: ["美好", "愉快", "开心", "完美", "难忘", "充实", "幸运", "快乐"])
    static let outcomes = PolarWords(negative: ["糟糕", "不顺利", "混乱", "失败"],
                                     positive: ["顺利", "完美", "圆满", "成功"])
    static let people = ["孩子们", "客人们", "大家", "学生们", "朋友们", "爸妈", "观众", "同事们", "球迷们", "顾客们"]
    static let verbSubjects = ["我", "我们", "我朋友", "我妈妈", "孩子们", "大家", "我和家人", "我爸", "同事们", "我女朋友"]
    static let everydayObjects = ["我的工作", "我的新自行车", "这首歌", "周末", "这个城市", "我们的新邻居", "跑步",
                                  "做饭", "这种生活", "我的新手机", "新来的老师", "这个小区", "我们学校", "我的新发型",
                                  "这份新工作", "早上散步", "这家小咖啡馆", "新的课表"]
    /// Verbs of liking and disliking.
    static let verbs = PolarWords(negative: ["讨厌", "受不了", "反感", "嫌弃", "厌恶"],
                                  positive: ["喜欢", "爱", "推荐", "欣赏", "偏爱"])
    /// Praise and complaint words of short reviews.
    static let verdicts = PolarWords(negative: ["差评", "不推荐", "避雷", "失望", "后悔"],
                                     positive: ["好评", "推荐", "五星好评", "满意", "值得"])

    /// Satisfaction with something ("我对…很满意").
    static let satisfaction = PolarWords(negative: ["失望", "不满", "无语"], positive: ["满意", "满足", "放心"])
    /// Whether something is worth it ("真的不值这个价").
    static let worth = PolarWords(negative: ["不值得", "不值"], positive: ["值得", "值"])
    /// Feelings that "我已经不…了" takes back.
    static let passingFeelings = ["难过", "生气", "担心", "害怕", "伤心", "焦虑"]

    /// Negators as they appear in the corpus.
    static let negators = ["不", "没", "没有"]
}
