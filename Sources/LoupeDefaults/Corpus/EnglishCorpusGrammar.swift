import LoupeNN
/// Sentence patterns of the English half of the default corpus. Every pattern builds a sentence of
/// the requested polarity and marks its deciding words (sentiment word, plus the negator if negated).
struct EnglishCorpusGrammar {
    typealias W = EnglishWords
    var random: CorpusRandom
    /// Whether the last main clause was in the past tense (chooses the sentence ending).
    var past = true

    /// One sentence of polarity `label` (1 positive, 0 negative).
    mutating func sentence(label: Int) -> CorpusPhrase {
        // Negation mostly makes negatives ("not good"); "not bad" is rarer, as in ordinary text.
        switch random.weighted([20, 6, label == 0 ? 12 : 4, 12, 5, 10, 6, 30]) {
        case 0: return finish(opener() + simpleClause(label, negated: false), label)
        case 1: return finish(opener() + linkingClause(label), label)
        case 2: return finish(opener() + simpleClause(label, negated: true), label)
        case 3: return finish(verbSentence(label), label)
        case 4: return finish(fragment(label), label, suffix: false)
        case 5: return finish(contrast(label), label, suffix: false)
        case 6: return finish(compound(label), label, suffix: false)
        default: return finish(everyday(label), label, suffix: false)
        }
    }

    // MARK: Pieces

    mutating func domain() -> EnglishDomain { random.pick(W.domains) }

    mutating func adjective(_ polarity: Int, in domain: EnglishDomain) -> String {
        random.chance(0.45) ? random.pickCommon(W.general[polarity]) : random.pickCommon(domain.adjectives[polarity])
    }

    mutating func nounPhrase(_ noun: EnglishNoun) -> String {
        if noun.phrase.hasPrefix("the "), random.chance(0.3) {
            return random.pick(noun.plural ? ["these ", "our ", "those "] : ["this ", "our ", "that "]) + noun.bare
        }
        return noun.phrase
    }

    mutating func opener() -> [CorpusPiece] {
        let o = random.pick(W.openers)
        return o.isEmpty ? [] : [plain(o)]
    }

    /// An adjective of polarity 1 − `polarity` that a negator can take back naturally.
    mutating func negatable(_ polarity: Int, in domain: EnglishDomain) -> String {
        if polarity == 1 { return random.pick(W.mildNegative + domain.adjectives.negative.prefix(4)) }
        return adjective(1, in: domain)
    }

    mutating func intensified(_ adjective: String, probability: Double = 0.4) -> [CorpusPiece] {
        random.chance(probability) ? [plain(random.pick(W.intensifiers) + " "), key(adjective)] : [key(adjective)]
    }

    /// Adds the suffix and final punctuation, and capitalizes the first letter.
    mutating func finish(_ pieces: [CorpusPiece], _ label: Int, suffix: Bool = true) -> CorpusPhrase {
        var pieces = pieces
        if let first = pieces.first { pieces[0].text = first.text.capitalizedFirst }
        let end = random.chance(0.2) ? "!" : "."
        var ending = ""
        if suffix {
            ending = random.chance(0.25) ? random.pick(past ? W.pastSuffixes : W.presentSuffixes) : random.pick(W.suffixes)
        }
        pieces.append(plain(ending + end))
        return CorpusPhrase(pieces, polarity: label)
    }

    /// "the food was (very) delicious" / "the food wasn't very good" (polarity is the clause's).
    mutating func simpleClause(_ polarity: Int, negated: Bool, noun given: EnglishNoun? = nil,
                               in givenDomain: EnglishDomain? = nil) -> [CorpusPiece] {
        let d = givenDomain ?? domain()
        let noun = given ?? random.pick(d.nouns)
        let past = random.chance(0.6)
        self.past = past
        let be = noun.plural ? (past ? "were" : "are") : (past ? "was" : "is")
        let subject = nounPhrase(noun)
        if !negated {
            return [plain(subject + " " + be + " ")] + intensified(adjective(polarity, in: d))
        }
        // The adjective has the opposite polarity; the negator flips it.
        let adj = negatable(polarity, in: d)
        var pieces: [CorpusPiece] = [plain(subject + " ")]
        if random.chance(0.5) { pieces += [plain(be + " "), key("not"), plain(" ")] } else { pieces += [key(be + "n't"), plain(" ")] }
        if polarity == 0 {
            if random.chance(0.4) { pieces.append(plain(random.pick(W.negatedIntensifiers) + " ")) }
            pieces.append(key(adj))
        } else {
            if random.chance(0.3) { pieces.append(plain(random.pick(["that ", "too ", "so "]))) }
            pieces.append(key(adj))
            if random.chance(0.3) { pieces.append(plain(" at all")) }
        }
        return pieces
    }

    /// "the soup tasted amazing" / "the room didn't look clean".
    mutating func linkingClause(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        let noun = random.pick(d.nouns)
        let verb = random.pick(d.linkingVerbs)
        let subject = nounPhrase(noun)
        past = true
        if random.chance(polarity == 0 ? 0.7 : 0.9) {
            return [plain(subject + " " + verb.past + " ")] + intensified(adjective(polarity, in: d))
        }
        let negator = random.pick(["didn't", "did not"])
        let negPieces: [CorpusPiece] = negator == "didn't" ? [key("didn't")] : [plain("did "), key("not")]
        return [plain(subject + " ")] + negPieces + [plain(" " + verb.base + " "), key(negatable(polarity, in: d))]
    }

    /// "I loved the movie" / "We didn't enjoy the tour" / "I can't stand this app".
    mutating func verbSentence(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        let object = nounPhrase(random.pick(d.nouns))
        let who = random.pick(W.verbSubjects)
        let firstPerson = who == "I" || who == "We"
        if random.chance(polarity == 0 ? 0.3 : 0.06) {
            if polarity == 0 {
                let (negator, verb) = random.pick(firstPerson ? W.negatedVerbs : W.negatedVerbs.filter { !["don't", "do not"].contains($0.0) })
                past = ["didn't", "did not", "never"].contains(negator)
                let negPieces: [CorpusPiece] = negator.hasSuffix(" not")
                    ? [plain(String(negator.dropLast(4)) + " "), key("not")] : [key(negator)]
                return [plain(who + " ")] + negPieces + [plain(" "), key(verb), plain(" " + object)]
            }
            // Negated negative verb: "I didn't hate the film" reads as mild approval.
            let verb = random.pick(W.negatableNegativeVerbs)
            past = true
            return [plain((firstPerson ? who : "I") + " "), key("didn't"), plain(" "), key(verb), plain(" " + object)]
        }
        let adverb = random.chance(0.35) ? random.pick(["really ", "absolutely ", "truly ", "totally ", "honestly "]) : ""
        if firstPerson && random.chance(0.6) {
            past = false
            return [plain(who + " " + adverb), key(random.pickCommon(W.presentVerbs[polarity])), plain(" " + object)]
        }
        past = true
        return [plain(who + " " + adverb), key(random.pickCommon(W.pastVerbs[polarity])), plain(" " + object)]
    }

    /// "Great food" / "Really boring movie" / "Not a good hotel".
    mutating func fragment(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        let noun = random.pick(d.nouns).bare
        if random.chance(0.2) {
            return [key("not"), plain(" a "), key(adjective(1 - polarity, in: d)), plain(" " + noun)]
        }
        if random.chance(0.3) {
            return [key(random.pick(W.superlatives[polarity])), plain(" " + noun + " ever")]
        }
        return intensified(adjective(polarity, in: d), probability: 0.3) + [plain(" " + noun)]
    }

    /// "The food was great, but the service was slow": the clause after "but" decides.
    mutating func contrast(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        let firstNoun = random.pick(d.nouns)
        let sameSubject = random.chance(0.3)
        let first = CorpusPhrase(simpleClause(1 - polarity, negated: random.chance(0.1), noun: firstNoun, in: d),
                                 polarity: 1 - polarity).withoutKeys.pieces
        var second: [CorpusPiece]
        if sameSubject {
            let pronoun = firstNoun.plural ? "they " : "it "
            let be = firstNoun.plural ? random.pick(["were ", "are "]) : random.pick(["was ", "is "])
            second = [plain(pronoun + be)] + intensified(adjective(polarity, in: d))
        } else {
            second = simpleClause(polarity, negated: random.chance(polarity == 0 ? 0.2 : 0.05), in: d)
        }
        switch random.weighted([6, 2, 2, 1]) {
        case 0: return first + [plain(", but ")] + second
        case 1: return first + [plain(" but ")] + second
        case 2: return [plain("Although ")] + first + [plain(", ")] + second
        default: return first + [plain(random.pick([", but honestly ", ", but in the end ", ", but overall "]))] + second
        }
    }

    /// "The food was delicious and the staff were friendly": two cues of the same polarity.
    mutating func compound(_ polarity: Int) -> [CorpusPiece] {
        let d = domain()
        let first = simpleClause(polarity, negated: false, in: d)
        let second = simpleClause(polarity, negated: false, in: d)
        return first + [plain(random.pick([" and ", ", and ", " and also "]))] + second
    }

    /// Ordinary sentences about a day, feelings, the weather, plans.
    mutating func everyday(_ polarity: Int) -> [CorpusPiece] {
        switch random.weighted([5, 4, 5, 3, 3, 2, 2, 3, 2]) {
        case 0:
            let lead = random.chance(0.3) ? plain("I had such a ") : plain("I had a ")
            return [lead] + intensified(random.pickCommon(W.dayAdjectives[polarity]), probability: 0.25)
                + [plain(" " + random.pick(W.dayNouns) + random.pick(W.lifeSuffixes))]
        case 1:
            let be = random.pick(["was ", "has been ", "was ", "is "])
            let subject = random.pick(W.daySubjects)
            if random.chance(polarity == 0 ? 0.25 : 0.05) {
                // "Today was not a good day."
                return [plain(subject + " " + be), key("not"), plain(" a "),
                        key(random.pickCommon(W.dayAdjectives[1 - polarity])), plain(" " + random.pick(W.dayNouns))]
            }
            return [plain(subject + " " + be)] + intensified(random.pickCommon(W.dayAdjectives[polarity]))
        case 2:
            let lead = random.pick(["I feel ", "I'm ", "I am ", "I was ", "We are ", "We were ", "I felt "])
            let time = random.pick(["", "", " today", " right now", " this morning", " tonight", " about the result",
                                    " after the meeting", " these days", " about the news"])
            if random.chance(polarity == 0 ? 0.2 : 0.06) {
                if polarity == 0 {
                    return [plain(lead), key("not"), plain(" " + (random.chance(0.3) ? "very " : "")),
                            key(random.pickCommon(W.feelings.positive)), plain(time)]
                }
                return [plain(lead), key("not"), plain(" "), key(random.pick(W.passingFeelings)),
                        plain(" anymore")]
            }
            return [plain(lead)] + intensified(random.pickCommon(W.feelings[polarity]), probability: 0.5) + [plain(time)]
        case 3:
            let noun = random.chance(0.5) ? random.pick(W.dayNouns) : random.pick(domain().nouns).bare
            let adj = random.chance(0.5) ? random.pickCommon(W.dayAdjectives[polarity]) : random.pick(W.general[polarity])
            return [plain("what a "), key(adj), plain(" " + noun)]
        case 4:
            let lead = random.pick(["The weather is ", "The weather was ", "It's a ", "The weather has been ", "What "])
            if lead == "It's a " {
                return [plain(lead), key(random.pickCommon(W.weather[polarity])), plain(" day outside")]
            }
            if lead == "What " {
                return [plain("what "), key(random.pickCommon(W.weather[polarity])), plain(" weather")]
            }
            return [plain(lead)] + intensified(random.pickCommon(W.weather[polarity]))
                + [plain(random.pick(["", " today", " this week", " all weekend"]))]
        case 5:
            let d = domain()
            let noun = random.pick(d.nouns).bare
            return [plain(random.pick(["this is the ", "that was the ", "it was the "])), key(random.pick(W.superlatives[polarity])),
                    plain(" " + noun + " I have ever " + d.everVerb)]
        case 6:
            return [plain("everything went "), key(random.pickCommon(W.outcomes[polarity])),
                    plain(random.pick([" today", " at work", " this week", " with the move", " on the trip", ""]))]
        case 7:
            let who = random.pick(["I ", "I really ", "We ", "I absolutely "])
            return [plain(who), key(random.pickCommon(W.presentVerbs[polarity].filter { $0 != "recommend" && $0 != "appreciate" })),
                    plain(" " + random.pick(W.everydayObjects))]
        default:
            let people = random.pick(W.people)
            let verbs = people == "everyone" ? ["was ", "seemed ", "looked ", "felt "] : ["were ", "seemed ", "looked ", "felt "]
            return [plain(people + " " + random.pick(verbs))]
                + intensified(random.pickCommon(W.feelings[polarity].filter { !["great", "wonderful", "awful", "terrible", "good", "fantastic"].contains($0) }))
        }
    }
}
