import Foundation
import Testing
@testable import HanSearch

/// Reads a file of the repository, found relative to this source file (no SwiftPM resources needed).
private func repositoryText(_ relativePath: String) throws -> String {
    let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // HanSearchTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent()
    return try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
}

/// Parses a fixture page from `Tests/HanSearchTests/Fixtures/pages`.
private func fixturePage(_ name: String) throws -> Page {
    PageParser().parse(try repositoryText("Tests/HanSearchTests/Fixtures/pages/\(name).txt"))
}

/// The kinds of `article`'s segments, in order.
private func kinds(_ article: Article) -> [SegmentKind] {
    article.segments.map(\.kind)
}

/// The body segments of `article` containing `fragment`.
private func bodies(of article: Article, containing fragment: String) -> [String] {
    article.texts(of: .body).filter { $0.contains(fragment) }
}

/// True when `text` has whitespace next to a CJK character or full-width punctuation.
private func hasSpaceNextToCJK(_ text: String) -> Bool {
    let characters = Array(text)
    return characters.indices.contains { index in
        characters[index].isWhitespace
            && [index - 1, index + 1].contains { characters.indices.contains($0) && PageTextRules.isEastAsian(characters[$0]) }
    }
}

// MARK: - The sample page

@Suite("Sample page corpus/ningbo-2022-science-services.txt")
struct SamplePageTests {
    let page: Page

    init() throws {
        page = PageParser().parse(try repositoryText("corpus/ningbo-2022-science-services.txt"))
    }

    @Test func bannerIsTheRunningHead() throws {
        #expect(page.banner == "厚植创新沃土助力\"两个先行\"")
        let first = try #require(page.articles.first?.segments.first)
        #expect(first == PageSegment(kind: .banner, section: nil, text: "厚植创新沃土助力\"两个先行\""))
    }

    @Test func twoArticlesWithTitlesAndAuthors() {
        #expect(page.articles.map(\.title) == ["科技服务业换挡提速引领港城创新", "宁波对口支援迭代升级"])
        #expect(page.articles.map(\.authors) == [["翁云塞", "王虎羽"], ["仇欢", "应磊"]])
    }

    @Test func sectionHeadingsInOrder() {
        #expect(page.articles.map(\.sections) == [
            ["育主体涌现一批科技服务业亩产效益\"领跑\"企业", "优生态科技大市场助力创新成果转移转化", "提能级立足产业所需推进科技服务业高质量发展"],
            ["以产业聚优势探索\"造血式\"发展之路", "以项目惠民生锻造\"暖民心\"样板工程"],
        ])
        #expect(page.articles.map { $0.texts(of: .heading) } == page.articles.map(\.sections))
    }

    @Test func captionsAreExactlyTheShortLinesAfterBlankRuns() {
        #expect(page.articles.map { $0.texts(of: .caption) } == [
            ["西北工业大学宁波研究院", "浙江创新中心", "宁波\"百日百场\"院企双向对接活动", "吉利汽车智能化生产车间"],
            ["海曙区援建四川省攀西地区高海拔养殖基地新建棚舍施工现场",
             "江北区援建四川省凉山州越西县高标准苹果现代产业园",
             "镇海区援建四川省金阳县青花椒现代农业产业园"],
        ])
    }

    @Test func creditsAloneAndGluedAreSplitOff() throws {
        #expect(page.articles.map { $0.texts(of: .credit) } == [["(图片由宁波市科技局提供)"], ["(图片由宁波市对口支援和区域合作局提供)"]])
        let second = try #require(page.articles.last)
        #expect(second.segments.last?.kind == .credit)
        #expect(second.texts(of: .body).last?.hasSuffix("提升了卫生健康执法\"山海协作\"新内涵。") == true)
    }

    @Test func firstArticleSegmentOrder() throws {
        let article = try #require(page.articles.first)
        #expect(kinds(article) == [
            .banner, .body, .body, .body, .caption,
            .heading, .body, .body, .body, .body, .caption,
            .heading, .body, .body, .body, .body, .body,
            .heading, .body, .body, .caption, .caption, .credit,
        ])
        #expect(article.segments.map(\.section) == [nil, nil, nil, nil, nil]
            + Array(repeating: article.sections[0], count: 6)
            + Array(repeating: article.sections[1], count: 6)
            + Array(repeating: article.sections[2], count: 6))
        #expect(article.texts(of: .body).count == 14)
    }

    @Test func secondArticleSegmentOrder() throws {
        let article = try #require(page.articles.last)
        #expect(kinds(article) == [
            .body, .body, .body, .body, .caption,
            .heading, .body, .body, .body, .body, .body, .caption,
            .heading, .body, .body, .body, .body, .body, .body, .caption, .body, .body, .credit,
        ])
        #expect(article.segments.map(\.section) == [nil, nil, nil, nil, nil]
            + Array(repeating: article.sections[0], count: 7)
            + Array(repeating: article.sections[1], count: 11))
        #expect(article.texts(of: .body).count == 17)
    }

    @Test func everyBrokenSentenceIsRejoined() throws {
        let first = try #require(page.articles.first)
        let second = try #require(page.articles.last)
        // Broken by the caption 浙江创新中心.
        #expect(bodies(of: first, containing: "2021年,宁波科技服务业龙头企业营业收入占全市总营收比重近60%。").count == 1)
        // Broken inside a quotation with only a blank line between.
        #expect(bodies(of: first, containing: "在\"超级市场\"加持之下,2021年,宁波全市技术交易额").count == 1)
        // Broken by two captions; the continuation opens with a quote.
        #expect(bodies(of: first, containing: "优化发展环境等方面加大支\"宁波将在政策供给").count == 1)
        // Broken by the caption 江北区援建….
        #expect(bodies(of: second, containing: "小麦等级粉加工全产业链项目直接带动就业2000人。产业援疆").count == 1)
        // A short fragment with a comma is body, not a heading.
        #expect(bodies(of: second, containing: "今年上半年,为助力凉山州医疗卫生事业发展,宁波精心挑选").count == 1)
        // No continuation is left standing on its own.
        let allBodies = page.articles.flatMap { $0.texts(of: .body) }
        for start in ["波科技服务业", "市场\"加持", "\"宁波将在政策供给", "2000人", "事业发展"] {
            #expect(!allBodies.contains { $0.hasPrefix(start) }, "\(start) should continue the paragraph before it")
        }
        #expect(allBodies.allSatisfy(PageTextRules.endsSentence))
    }

    @Test func spacesBetweenCJKAreRemovedEverywhere() {
        let allTexts = page.articles.flatMap { [$0.title] + $0.authors + $0.segments.map(\.text) }
        #expect(!allTexts.contains(where: hasSpaceNextToCJK))
        let allBodies = page.articles.flatMap { $0.texts(of: .body) }
        for repaired in ["蓬勃发展的科技服务业态", "科技服务业的体量和能级", "很大程度上决定了", "对标\"两个先行\"",
                         "重庆万州的最大产业合作项目", "专家+设备", "堵点。\"宁波传统制造业"] {
            #expect(allBodies.contains { $0.contains(repaired) }, "\(repaired)")
        }
    }

    @Test func roundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(page)
        #expect(try JSONDecoder().decode(Page.self, from: data) == page)
    }
}

// MARK: - Fixture pages

@Suite("Fixture pages")
struct FixturePageTests {
    @Test func singleArticleWithWrappedCaptionAndGluedCredit() throws {
        let page = try fixturePage("single-article")
        #expect(page.banner == "镇海新闻生态文明")
        #expect(page.articles.count == 1)
        let article = try #require(page.articles.first)
        #expect(article.title == "九龙湖湿地修复见成效")
        #expect(article.authors == ["李明", "张晓燕"])
        #expect(article.sections == ["清淤泥治水源让湖水\"活\"起来", "建廊道引游客绘就\"共富\"新画卷"])
        #expect(kinds(article) == [.banner, .body, .body, .heading, .body, .caption, .heading, .body, .body, .credit])
        // The caption wrapped over two lines is one caption and is not glued into the paragraph it interrupts.
        #expect(article.texts(of: .caption) == ["九龙湖湿地新建的生态浮岛与水质自动监测站"])
        #expect(article.segments[4].text == "为了从源头改善水质,镇海区对湖区周边的12条入湖河道实施截污纳管,并在入湖口建设了生态缓冲带,让雨水经过层层过滤后再进入湖区。目前,湖区水质已稳定保持在Ⅲ类以上。")
        // Stray spaces between CJK, and between CJK and digits, are removed.
        #expect(article.segments[1].text.hasPrefix("初秋时节,九龙湖湿地水清岸绿"))
        #expect(article.segments[2].text.contains("新增水域面积120亩"))
        #expect(article.segments[7].text.contains("共接待游客86万人次,带动周边民宿、农家乐增收超3000万元。"))
        // The credit glued to the last paragraph is split off it.
        #expect(article.segments[8].text == "下一步,镇海区将继续完善湿地保护长效机制,推动生态优势转化为发展优势。")
        #expect(article.segments[9] == PageSegment(kind: .credit, section: article.sections[1], text: "(图片由镇海区融媒体中心提供)"))
    }

    @Test func twoArticlesWithoutAuthorsSeparatedByACredit() throws {
        let page = try fixturePage("no-authors")
        #expect(page.banner == "慈溪日报民生周刊")
        #expect(page.articles.map(\.title) == ["老旧小区改造惠及万户居民", "社区食堂让老人吃上“暖心饭”"])
        #expect(page.articles.map(\.authors) == [[], []])
        #expect(page.articles.map(\.sections) == [["补短板加装电梯解决“上楼难”"], []])
        let first = page.articles[0], second = page.articles[1]
        #expect(kinds(first) == [.banner, .body, .body, .heading, .body, .credit])
        // A sentence broken across a single blank line, with no caption, is rejoined.
        #expect(first.segments[2].text == "据统计，全市今年计划完成改造的小区共有46个，涉及居民1.2万户，目前已完工31个。")
        #expect(first.texts(of: .credit) == ["（图片由慈溪市住建局提供）"])
        #expect(first.segments[4].text.contains("现在按一下按钮就到家了。”"))
        #expect(kinds(second) == [.body, .caption, .body])
        #expect(second.texts(of: .caption) == ["浒山街道社区食堂里就餐的老人"])
        // A paragraph ending in 。” ends its sentence: the one after the caption is not joined to it.
        #expect(second.segments[2].text.hasPrefix("目前，慈溪已建成社区食堂52家"))
    }

    @Test func paragraphBrokenAcrossTwoCaptions() throws {
        let page = try fixturePage("two-captions")
        #expect(page.banner == "北仑时讯港口经济")
        #expect(page.articles.count == 1)
        let article = try #require(page.articles.first)
        #expect(article.title == "梅山港区集装箱吞吐量再创新高")
        #expect(article.authors == ["陈静", "王海涛", "刘洋"])
        #expect(article.sections == ["强联动海铁联运跑出“加速度”"])
        #expect(kinds(article) == [.banner, .body, .body, .caption, .caption, .heading, .body, .body, .credit])
        #expect(article.segments[2].text == "走进梅山港区远程操控中心，操作员轻点鼠标，数十米高的桥吊便将集装箱稳稳地放到无人集卡上。目前，港区已有42台无人集卡投入运营，作业效率提升了三成。")
        #expect(article.texts(of: .caption) == ["梅山港区自动化码头全景", "远程操控中心内操作员正在作业"])
        // Broken inside a full-width quotation.
        #expect(article.segments[6].text == "今年以来，港区新开通3条海铁联运线路，内陆货物抵港时间缩短至“一日达”，物流成本平均下降约百分之十五。")
        #expect(article.segments[1].text.contains("持续升级。”港区负责人说。"))
        #expect(article.texts(of: .credit) == ["（图片由北仑区融媒体中心提供）"])
    }
}

// MARK: - Rules

@Suite("PageParser rules")
struct PageParserRuleTests {
    let parser = PageParser()

    @Test func authorsWithStraySpacesAreRegrouped() {
        #expect(parser.authorNames(in: "仇 欢 应 磊") == ["仇欢", "应磊"])
        #expect(parser.authorNames(in: "翁云塞 王虎羽") == ["翁云塞", "王虎羽"])
        #expect(parser.authorNames(in: "陈 静 王海涛 刘 洋") == ["陈静", "王海涛", "刘洋"])
        #expect(parser.authorNames(in: "王 小 明") == ["王小明"])
        #expect(parser.authorNames(in: "仇　欢") == ["仇欢"])
    }

    @Test func linesThatAreNotAuthors() {
        #expect(parser.authorNames(in: "王") == nil)
        #expect(parser.authorNames(in: "科技服务业换挡提速") == nil)
        #expect(parser.authorNames(in: "翁云塞,王虎羽") == nil)
        #expect(parser.authorNames(in: "王虎羽 Tom") == nil)
        #expect(parser.authorNames(in: "育主体 涌现一批科技服务业") == nil)
    }

    @Test func sentenceEndsLookPastClosingQuotes() {
        for ended in ["说。", "说。\"", "了！”", "厚植创新沃土……", "水平?'", "做表率;"] {
            #expect(PageTextRules.endsSentence(ended), "\(ended)")
        }
        for unfinished in ["在\"超级", "称为“刚需”", "加大支", "有限公司（宁波）", ""] {
            #expect(!PageTextRules.endsSentence(unfinished), "\(unfinished)")
        }
    }

    @Test func spacesAreDroppedNextToCJKAndKeptBetweenLatinWords() {
        #expect(PageTextRules.normalizingSpaces("  科技服 务业  ") == "科技服务业")
        #expect(PageTextRules.normalizingSpaces("堵点。 \"宁波") == "堵点。\"宁波")
        #expect(PageTextRules.normalizingSpaces("搭载 iPhone  14 的 手机") == "搭载iPhone 14的手机")
        #expect(PageTextRules.normalizingSpaces("专家+ 设备") == "专家+设备")
    }

    @Test func creditsAreSplitOffTheEnd() {
        #expect(parser.splitCredit("新内涵。(图片由宁波市对口支援和区域合作局提供)") == ("新内涵。", "(图片由宁波市对口支援和区域合作局提供)"))
        #expect(parser.splitCredit("（图片由慈溪市住建局提供）") == ("", "（图片由慈溪市住建局提供）"))
        #expect(parser.splitCredit("可之(宁波)人工智能科技有限公司") == ("可之(宁波)人工智能科技有限公司", nil))
        #expect(parser.splitCredit("常山县技工院校(筹)") == ("常山县技工院校(筹)", nil))
    }
}

// MARK: - Edge cases

@Suite("PageParser edge cases")
struct PageParserEdgeCaseTests {
    let parser = PageParser()

    @Test func emptyTextGivesAnEmptyPage() {
        #expect(parser.parse("") == Page())
        #expect(parser.parse(" \n\n\u{3000}\n") == Page())
    }

    @Test func textWithoutBlankLines() throws {
        let page = parser.parse("港城要闻\n港口建设提速\n张 三 李四\n第一段写完了。\n第二段在行尾断开，\n下一行接着写完\n了。\n第三段的一句话还没有说完，\n就在这里换行")
        #expect(page.banner == "港城要闻")
        let article = try #require(page.articles.first)
        #expect(article.title == "港口建设提速")
        #expect(article.authors == ["张三", "李四"])
        // A label-shaped line directly below an unfinished paragraph continues it.
        #expect(article.texts(of: .body) == ["第一段写完了。", "第二段在行尾断开，下一行接着写完了。", "第三段的一句话还没有说完，就在这里换行"])
        #expect(article.sections.isEmpty)
    }

    @Test func pageThatIsOnlyOneParagraph() {
        let page = parser.parse("这是唯一的一段文字，没有标题， 也没有作者。")
        #expect(page == Page(articles: [
            Article(title: "", segments: [PageSegment(kind: .body, text: "这是唯一的一段文字，没有标题，也没有作者。")]),
        ]))
    }

    @Test func headingEndsAnUnfinishedParagraph() throws {
        let page = parser.parse("港口建设提速\n\n张三 李四\n\n码头扩建工程正在推进，预计明年\n\n强联动 海铁联运\n\n投入使用的新泊位共有三个。")
        let article = try #require(page.articles.first)
        #expect(kinds(article) == [.body, .heading, .body])
        #expect(article.texts(of: .body) == ["码头扩建工程正在推进，预计明年", "投入使用的新泊位共有三个。"])
        #expect(article.segments[2].section == "强联动海铁联运")
    }

    @Test func windowsLineEndings() throws {
        let page = parser.parse("港口建设提速\r\n\r\n张三 李四\r\n\r\n码头扩建工程正在推进，\r\n\r\n\r\n\r\n码头全景\r\n\r\n预计明年投入使用。")
        let article = try #require(page.articles.first)
        #expect(article.authors == ["张三", "李四"])
        #expect(article.texts(of: .caption) == ["码头全景"])
        #expect(article.texts(of: .body) == ["码头扩建工程正在推进，预计明年投入使用。"])
    }
}
