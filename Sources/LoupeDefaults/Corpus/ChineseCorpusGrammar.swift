import LoupeNN
/// Sentence patterns of the Chinese half of the default corpus. Every pattern builds a sentence of
/// the requested polarity and marks its deciding words (sentiment word, plus 不 / 没 if negated).
struct ChineseCorpusGrammar {
    typealias W = ChineseWords
    var random: CorpusRandom

    /// One sentence of polarity `label` (1 positive, 0 negative).
    mutating func sentence(label: Int) -> CorpusPhrase {
        let pieces: [CorpusPiece]
        // Negation mostly makes negatives ("不好"); "不贵" is rarer, as in ordinary text.
        switch random.weighted([20, label == 0 ? 12 : 4, 12, 5, 10, 8, 30]) {
        case 0: pieces = opener() + clause(label, negated: false)
        case 1: pieces = opener() + clause(label, negated: true)
        case 2: pieces = verbSentence(label)
        case 3: pieces = review(label)
        case 4: pieces = contrast(label)
        case 5: pieces = compound(label)
        default: pieces = everyday(label)
        }
        return CorpusPhrase(pieces + [plain(random.pick(W.endings))], polarity: label)
    }

    // MARK: Pieces

    mutating func domain() -> ChineseDomain { random.pick(W.domains) }

    mutating func adjective(_ polarity: Int, in domain: ChineseDomain, negatable: Bool = false) -> String {
        while true {
            let a = random.chance(0.4) ? random.pickCommon(W.general[polarity]) : random.pickCommon(domain.adjectives[polarity])
            if !negatable || !W.notNegatable.contains(a) { return a }
        }
    }

    mutating func opener() -> [CorpusPiece] {
        let o = random.pick(W.openers)
        return o.isEmpty ? [] : [plain(o)]
    }

    /// "很好" / "太差了" / "好极了" (or the bare adjective).
    mutating func degree(_ adjective: String, probability: Double = 0.85) -> [CorpusPiece] {
        guard random.chance(probability) else { return [key(adjective)] }
        let (before, after) = random.pick(W.degrees)
        var pieces: [CorpusPiece] = []
        if !before.isEmpty { pieces.append(plain(before)) }
        pieces.append(key(adjective))
        if !after.isEmpty { pieces.append(plain(after)) }
        return pieces
    }

    /// "不太好" / "一点也不贵": a negation frame around an adjective of the opposite polarity.
    mutating func negated(_ polarity: Int, adjectives: [String]) -> [CorpusPiece] {
        let choices = adjectives.filter { !W.notNegatable.contains($0) }
        let adjective = random.pick(choices)
        let (lead, negator, middle, tail) = polarity == 0 ? random.pick(W.negationsOfPositive) : random.pick(W.negationsOfNegative)
        var pieces: [CorpusPiece] = []
        if !lead.isEmpty { pieces.append(plain(lead)) }
        pieces.append(key(negator))
        if !middle.isEmpty { pieces.append(plain(middle)) }
        pieces.append(key(adjective))
        if !tail.isEmpty { pieces.append(plain(tail)) }
        return pieces
    }

    /// "这家店的服务一直很好" / "房间不太干净" (polarity is the clause's).
    mutating func clause(_ polarity: Int, negated isNegated: Bool, subject given: String? = nil,
                         in givenDomain: ChineseDomain? = nil) -> [CorpusPiece] {
        let d = givenDomain ?? domain()
        let subject = given ?? random.pick(d.subjects)
        let adverb = random.pick(W.adverbs)
        if isNegated {
            // Negating a negative word reads naturally only for mild ones ("不贵", "不太吵").
            let pool = polarity == 1 ? ["差"] + d.adjectives.negative.prefix(4) : (random.chance(0.4) ? W.general : d.adjectives).positive
            return [plain(subject + adverb)] + negated(polarity, adjectives: pool)
        }
        var pieces = [plain(subject + adverb)]
        if polarity == 0 && random.chance(0.12) {
            pieces += [plain("有点"), key(adjective(0, in: d))]
        } else {
            pieces += degree(adjective(polarity, in: d))
        }
        return pieces
    }

    /// "我很喜欢这部电影" / "我不太喜欢这里的咖啡" / "我对这次旅行很失望".
    mutating func verbSentence(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        let object = random.pick(d.subjects)
        let who = random.pick(W.verbSubjects)
        let all = ["孩子们", "大家", "同事们", "我们", "我和家人"].contains(who) ? "都" : ""
        switch random.weighted([5, 2, 2, 1]) {
        case 0:
            if polarity == 0 && random.chance(0.35) {
                let frame = random.pick([("", "不", ""), ("", "不", "太"), ("一点也", "不", ""), ("并", "不", ""), ("", "不", "怎么")])
                var pieces = [plain(who + all + frame.0), key(frame.1)]
                if !frame.2.isEmpty { pieces.append(plain(frame.2)) }
                return pieces + [key(random.pick(["喜欢", "推荐", "欣赏"])), plain(object)]
            }
            let verb = random.pickCommon(W.verbs[polarity])
            let degreeWord = verb == "受不了" ? random.pick(["真", "实在", ""]) : random.pick(["很", "非常", "特别", "真的很", "超级", "", "最"])
            return [plain(who + all + degreeWord), key(verb), plain(object)]
        case 1:
            // "我对这次旅行很满意" / "我对这家店的服务非常失望" / "我对结果不满意"
            if polarity == 0 && random.chance(0.4) {
                return [plain(who + "对" + object + all), key("不"), key("满意")]
            }
            let word = random.pick(W.satisfaction[polarity])
            return [plain(who + "对" + object + all + random.pick(["很", "非常", "特别", "十分", "有点"].filter { polarity == 0 || $0 != "有点" }))]
                + [key(word)]
        case 2:
            if polarity == 1 {
                let object = random.pick(W.domains[random.pick([0, 2, 3, 4])].subjects)
                return [plain(random.pick(["强烈", "真心", "非常", "", "大力"])), key("推荐"), plain(object)]
            }
            return [plain(who + random.pick(["很", "真", "有点", ""])), key("后悔"), plain(random.pick(["选了", "买了", "去了", "试了"]) + object)]
        default:
            let object = random.pick(W.domains[random.pick([0, 2, 3, 4, 5])].subjects)
            let word = random.pick(W.worth[polarity])
            return [plain(object + random.pick(["真的", "完全", "", "根本"].filter { polarity == 0 || $0 != "根本" })), key(word),
                    plain(random.pick(["这个价", "一试", "花这个钱", "推荐", ""]))]
        }
    }

    /// Short review fragments: "味道很好，好评" / "质量太差，差评".
    mutating func review(_ polarity: Int) -> [CorpusPiece] {
        if random.chance(0.5) {
            return [key(random.pick(W.verdicts[polarity]))]
        }
        return clause(polarity, negated: false) + [plain("，"), key(random.pick(W.verdicts[polarity]))]
    }

    /// "菜很好吃，但是服务太差了": the clause after 但是 / 不过 / 可是 decides.
    mutating func contrast(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        let subject = random.pick(d.subjects)
        let first = CorpusPhrase(clause(1 - polarity, negated: random.chance(0.1), subject: subject, in: d),
                                 polarity: 1 - polarity).withoutKeys.pieces
        let second: [CorpusPiece]
        if random.chance(0.35) {
            // Same subject, left out after the conjunction: "房间很干净，但是有点吵".
            second = [plain(random.pick(["", "就是", "实在", "也"]))] + degree(adjective(polarity, in: d))
        } else {
            second = clause(polarity, negated: random.chance(polarity == 0 ? 0.2 : 0.05), in: d)
        }
        let conjunction = random.pick(["但是", "但", "不过", "可是", "然而", "只是"])
        if random.chance(0.25) {
            return [plain("虽然")] + first + [plain("，" + (conjunction == "只是" ? "但是" : conjunction))] + second
        }
        return first + [plain("，" + conjunction)] + second
    }

    /// "环境很干净，而且服务很周到": two cues of the same polarity.
    mutating func compound(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        return clause(polarity, negated: false, in: d) + [plain(random.pick(["，而且", "，", "，也", "，并且"]))]
            + clause(polarity, negated: false, in: d)
    }

    /// Everyday sentences about the day, mood, weather and plans.
    mutating func everyday(_ polarity: Int) -> [CorpusPiece] {
        switch random.weighted([5, 5, 3, 3, 3, 3, 2, 3, 2]) {
        case 0:
            // "我今天过得很好" / "这个周末过得不太开心"
            let time = random.pick(W.times)
            let lead = random.chance(0.6) ? "我" + time + "过得" : time + "过得"
            if random.chance(polarity == 0 ? 0.25 : 0.06) {
                return [plain(lead)] + negated(polarity, adjectives: W.dayAdjectives[1 - polarity])
            }
            return [plain(lead)] + degree(random.pickCommon(W.dayAdjectives[polarity]))
        case 1:
            // "我今天特别开心" / "最近我很焦虑" / "我已经不难过了"
            let time = random.pick(W.times + ["现在", "这会儿"])
            let lead = random.chance(0.5) ? "我" + time : time + "我"
            if random.chance(polarity == 0 ? 0.2 : 0.06) {
                if polarity == 1 {
                    return [plain("我已经"), key("不"), key(random.pick(W.passingFeelings)), plain("了")]
                }
                return [plain(lead)] + negated(0, adjectives: W.feelings.positive)
            }
            return [plain(lead)] + degree(random.pickCommon(W.feelings[polarity]))
        case 2:
            let time = random.pick(["今天", "我今天", "这几天", "最近", "今天早上", ""])
            return [plain(time + "心情")] + degree(random.pickCommon(W.moods[polarity]))
        case 3:
            let subject = random.pick(["今天的天气", "今天天气", "外面的天气", "这几天的天气", "周末的天气", "天气"])
            return [plain(subject)] + degree(random.pickCommon(W.weather[polarity]))
        case 4:
            let span = random.pick(["一天", "一天", "一周", "周末", "晚上", "假期", "旅行"])
            return [plain(random.pick(["今天真是", "这真是", "真是", "又是", "今天是", ""])), key(random.pickCommon(W.dayKinds[polarity])),
                    plain("的" + span)]
        case 5:
            // "这是我吃过最好吃的披萨"
            let d = domain()
            return [plain(random.pick(["这是我", "这绝对是我", "这是我们"]) + random.pick(d.everVerbs) + "最"),
                    key(random.pick(d.adjectives[polarity])), plain("的" + random.pick(d.nouns))]
        case 6:
            return [plain(random.pick(["一切都", "事情", "今天的工作", "搬家", "考试", "项目"]) + random.pick(["进行得", "很", "非常", "都"])),
                    key(random.pickCommon(W.outcomes[polarity]))]
        case 7:
            let who = random.pick(["我", "我真的", "我超", "我一直很", "我特别"])
            if polarity == 0 && random.chance(0.3) {
                return [plain("我"), key("不"), key("喜欢"), plain(random.pick(W.everydayObjects))]
            }
            return [plain(who), key(random.pickCommon(W.verbs[polarity].filter { $0 != "推荐" })), plain(random.pick(W.everydayObjects))]
        default:
            let people = random.pick(W.people)
            return [plain(people + random.pick(["都", "都", "也", "今天"]))] + degree(random.pickCommon(W.feelings[polarity]))
        }
    }
}
