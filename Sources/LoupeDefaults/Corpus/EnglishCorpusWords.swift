import LoupeNN
/// A noun phrase of the English grammar: with its determiner, bare, and whether it is plural.
struct EnglishNoun {
    var phrase: String
    var bare: String
    var plural: Bool
}

/// A topic of the English grammar: what can be talked about and the adjectives that fit it.
struct EnglishDomain {
    var nouns: [EnglishNoun]
    var adjectives: PolarWords
    /// Linking verbs in the past tense with their base form (`tasted`/`taste`).
    var linkingVerbs: [(past: String, base: String)]
    /// The verb of "the best … I have ever …".
    var everVerb: String
}

/// English word lists of the default corpus (written for Loupe).
enum EnglishWords {
    /// Builds nouns from "the food|food" style entries; a trailing `*` marks a plural.
    static func nouns(_ entries: [String]) -> [EnglishNoun] {
        entries.map { entry in
            let plural = entry.hasSuffix("*")
            let text = plural ? String(entry.dropLast()) : entry
            let parts = text.split(separator: "|").map(String.init)
            return EnglishNoun(phrase: parts[0], bare: parts.count > 1 ? parts[1] : parts[0], plural: plural)
        }
    }

    static let general = PolarWords(
        negative: ["bad", "terrible", "awful", "horrible", "poor", "disappointing", "mediocre", "dreadful",
                   "lousy", "unacceptable", "pathetic", "atrocious", "frustrating", "annoying", "disgraceful"],
        positive: ["good", "great", "excellent", "amazing", "wonderful", "fantastic", "awesome", "perfect",
                   "lovely", "nice", "superb", "outstanding", "impressive", "incredible", "terrific", "brilliant"])

    static let domains: [EnglishDomain] = [
        EnglishDomain(
            nouns: nouns(["the food|food", "the soup|soup", "the pizza|pizza", "the pasta|pasta", "the coffee|coffee",
                          "the dessert|dessert", "the noodles|noodles*", "the steak|steak", "the salad|salad",
                          "the bread|bread", "dinner|dinner", "lunch|lunch", "breakfast|breakfast", "the curry|curry",
                          "the burger|burger", "the dumplings|dumplings*", "the sushi|sushi", "the cake|cake"]),
            adjectives: PolarWords(negative: ["bland", "stale", "greasy", "salty", "tasteless", "undercooked", "soggy", "disgusting", "inedible"],
                                   positive: ["delicious", "tasty", "fresh", "flavorful", "yummy", "mouthwatering", "scrumptious"]),
            linkingVerbs: [("tasted", "taste"), ("looked", "look"), ("smelled", "smell"), ("seemed", "seem")],
            everVerb: "tasted"),
        EnglishDomain(
            nouns: nouns(["the service|service", "the staff|staff*", "the waiter|waiter", "the waitress|waitress",
                          "the receptionist|receptionist", "the driver|driver", "customer support|customer support",
                          "the delivery|delivery", "the manager|manager", "the nurses|nurses*", "the teacher|teacher",
                          "the support team|support team", "the guide|guide", "the hosts|hosts*"]),
            adjectives: PolarWords(negative: ["rude", "slow", "unhelpful", "careless", "unprofessional", "impolite", "arrogant", "dismissive"],
                                   positive: ["friendly", "helpful", "attentive", "polite", "fast", "professional", "kind", "welcoming", "patient"]),
            linkingVerbs: [("seemed", "seem"), ("sounded", "sound"), ("felt", "feel")],
            everVerb: "dealt with"),
        EnglishDomain(
            nouns: nouns(["the movie|movie", "the film|film", "the book|book", "the show|show", "the ending|ending",
                          "the plot|plot", "the acting|acting", "the concert|concert", "the play|play", "the album|album",
                          "the song|song", "the story|story", "the game|game", "the series|series", "the documentary|documentary",
                          "the novel|novel", "the soundtrack|soundtrack", "the performance|performance"]),
            adjectives: PolarWords(negative: ["boring", "dull", "predictable", "confusing", "pointless", "tedious", "forgettable", "shallow"],
                                   positive: ["moving", "gripping", "entertaining", "captivating", "beautiful", "hilarious", "inspiring", "touching", "charming"]),
            linkingVerbs: [("felt", "feel"), ("seemed", "seem"), ("sounded", "sound")],
            everVerb: "seen"),
        EnglishDomain(
            nouns: nouns(["the hotel|hotel", "the room|room", "the apartment|apartment", "the beach|beach", "the park|park",
                          "the city|city", "the neighborhood|neighborhood", "the office|office", "the gym|gym",
                          "the restaurant|restaurant", "the museum|museum", "the campsite|campsite", "the bathroom|bathroom",
                          "the garden|garden", "the train station|train station", "the bed|bed"]),
            adjectives: PolarWords(negative: ["dirty", "noisy", "cramped", "crowded", "shabby", "smelly", "filthy", "depressing", "uncomfortable"],
                                   positive: ["clean", "cozy", "comfortable", "spacious", "quiet", "charming", "peaceful", "gorgeous", "stunning"]),
            linkingVerbs: [("looked", "look"), ("felt", "feel"), ("seemed", "seem"), ("smelled", "smell")],
            everVerb: "stayed in"),
        EnglishDomain(
            nouns: nouns(["this phone|phone", "the laptop|laptop", "the app|app", "the camera|camera", "the headphones|headphones*",
                          "this jacket|jacket", "the chair|chair", "the printer|printer", "the website|website",
                          "the update|update", "the battery|battery", "the car|car", "the keyboard|keyboard",
                          "these shoes|shoes*", "the blender|blender", "the vacuum|vacuum", "the software|software"]),
            adjectives: PolarWords(negative: ["buggy", "flimsy", "overpriced", "clunky", "broken", "useless", "unreliable", "defective", "worthless"],
                                   positive: ["reliable", "sturdy", "useful", "handy", "sleek", "intuitive", "durable", "fast", "well made"]),
            linkingVerbs: [("seemed", "seem"), ("felt", "feel"), ("looked", "look"), ("worked", "work")],
            everVerb: "used"),
        EnglishDomain(
            nouns: nouns(["the trip|trip", "the party|party", "the weekend|weekend", "the holiday|holiday", "the meeting|meeting",
                          "the class|class", "the lecture|lecture", "the flight|flight", "the wedding|wedding",
                          "the interview|interview", "my day|day", "the week|week", "the tour|tour", "the workshop|workshop",
                          "the date|date", "the festival|festival", "the match|match", "the commute|commute"]),
            adjectives: PolarWords(negative: ["stressful", "boring", "tiring", "awkward", "exhausting", "miserable", "chaotic", "disastrous"],
                                   positive: ["fun", "relaxing", "enjoyable", "memorable", "productive", "pleasant", "delightful", "unforgettable"]),
            linkingVerbs: [("felt", "feel"), ("seemed", "seem")],
            everVerb: "had"),
    ]

    /// Mild negative adjectives that read naturally after a negator ("not bad", "wasn't too noisy");
    /// with the first four of each domain's negative list.
    static let mildNegative = ["bad", "disappointing"]

    static let intensifiers = ["very", "really", "so", "extremely", "quite", "pretty", "incredibly", "truly",
                               "genuinely", "absolutely", "super", "remarkably", "particularly", "rather"]
    /// Words between a negator and a positive adjective ("not very good").
    static let negatedIntensifiers = ["very", "really", "that", "particularly", "especially", "all that", "so", "exactly"]

    static let openers = ["", "", "", "", "Honestly, ", "Overall, ", "To be honest, ", "I think ", "I thought ",
                          "I have to say ", "In my opinion, ", "Well, ", "Frankly, ", "Surprisingly, ",
                          "I must say ", "As far as I can tell, ", "Once again, "]
    /// Sentence endings that fit any tense, then the past- and present-only ones.
    static let suffixes = ["", "", "", "", "", " this time", " again", " overall", " as always", " for the price"]
    static let pastSuffixes = [" last night", " yesterday", " last time", " on Saturday"]
    static let presentSuffixes = [" today", " tonight", " these days", " right now"]

    /// Everyday life (days, feelings, weather).
    static let dayAdjectives = PolarWords(
        negative: ["terrible", "bad", "awful", "horrible", "rough", "stressful", "exhausting", "miserable", "lousy",
                   "dreadful", "frustrating", "hard", "sad", "depressing", "gloomy"],
        positive: ["great", "good", "wonderful", "lovely", "fantastic", "amazing", "nice", "perfect", "fun",
                   "relaxing", "productive", "beautiful", "brilliant", "pleasant", "happy", "delightful"])
    static let dayNouns = ["day", "week", "weekend", "morning", "evening", "night", "afternoon", "time", "holiday",
                           "trip", "year", "birthday", "vacation", "summer", "month"]
    static let daySubjects = ["today", "yesterday", "this morning", "my day", "this week", "the weekend", "last night",
                              "tonight", "this year", "my birthday", "the holiday", "this afternoon", "my first day",
                              "last weekend", "this month"]
    static let lifeSuffixes = ["", "", " today", " yesterday", " at work", " at school", " with my family",
                               " with friends", " at the beach", " in the city", " with my kids", " at home",
                               " with my parents", " at the office", " on the trip"]
    static let feelings = PolarWords(
        negative: ["sad", "unhappy", "upset", "miserable", "lonely", "angry", "frustrated", "disappointed", "stressed",
                   "anxious", "worried", "depressed", "awful", "terrible", "annoyed", "heartbroken", "bored", "exhausted",
                   "hopeless", "furious"],
        positive: ["happy", "glad", "delighted", "excited", "grateful", "thrilled", "relaxed", "cheerful", "proud",
                   "content", "great", "wonderful", "good", "calm", "hopeful", "joyful", "satisfied", "fantastic"])
    static let people = ["the kids", "the children", "the guests", "the students", "the customers", "the fans",
                         "the audience", "my parents", "my friends", "everyone", "the players", "my colleagues",
                         "the neighbors", "my family"]
    static let weather = PolarWords(
        negative: ["terrible", "awful", "horrible", "miserable", "gloomy", "dreadful", "nasty", "bad", "depressing", "freezing"],
        positive: ["lovely", "beautiful", "perfect", "gorgeous", "nice", "pleasant", "great", "wonderful", "sunny", "glorious"])
    static let outcomes = PolarWords(negative: ["wrong", "badly", "terribly", "horribly", "poorly"],
                                     positive: ["well", "perfectly", "smoothly", "great", "beautifully", "brilliantly"])
    static let everydayObjects = ["my job", "my new bike", "this song", "my new phone", "this town", "my neighborhood",
                                  "cooking", "running", "my classes", "this weather", "the new schedule", "our new neighbors",
                                  "my new haircut", "this game", "the new update", "working here", "living here",
                                  "studying here", "my new apartment", "this little cafe", "the new teacher",
                                  "the park near my house", "our new car", "the morning walk", "the train ride"]

    /// Verbs: positive and negative, present (I / we) and past (everyone).
    static let presentVerbs = PolarWords(negative: ["hate", "dislike", "can't stand", "despise", "detest"],
                                         positive: ["love", "like", "enjoy", "adore", "recommend", "appreciate"])
    static let pastVerbs = PolarWords(negative: ["hated", "disliked", "despised", "detested", "regretted"],
                                      positive: ["loved", "liked", "enjoyed", "adored", "appreciated"])
    /// Negated positive verbs as (negator, verb): "didn't" + "like".
    static let negatedVerbs: [(String, String)] = [("didn't", "like"), ("didn't", "enjoy"), ("didn't", "love"),
                                                   ("did not", "like"), ("did not", "enjoy"), ("don't", "like"),
                                                   ("don't", "love"), ("do not", "enjoy"), ("wouldn't", "recommend"),
                                                   ("would not", "recommend"), ("never", "liked"), ("never", "enjoyed"),
                                                   ("can't", "recommend"), ("cannot", "recommend")]
    static let verbSubjects = ["I", "We", "My friends", "My wife", "My husband", "Everyone", "The kids", "My parents",
                               "My sister", "My brother", "My boss", "Our group"]

    /// Negative verbs that "didn't" can take back ("I didn't hate the film").
    static let negatableNegativeVerbs = ["hate", "dislike"]
    /// Feelings that "I'm not … anymore" takes back.
    static let passingFeelings = ["sad", "upset", "worried", "angry", "anxious", "lonely"]
    /// Superlatives of "best pizza ever" / "the worst day I have ever had".
    static let superlatives = PolarWords(negative: ["worst"], positive: ["best"])

    /// Words that reverse polarity, as they appear in the corpus.
    static let negators = ["not", "never", "wasn't", "isn't", "weren't", "aren't", "didn't", "don't",
                           "wouldn't", "can't", "cannot"]
}
