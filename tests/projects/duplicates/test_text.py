"""Chinese text analysis of the duplicate check. Database-free."""

from projects.duplicates import scoring, text


def test_chinese_written_without_spaces_is_split_into_words():
    assert {"公交", "车辆", "定位"} <= set(text.words("公交车辆实时定位"))
    assert {"到站", "预报"} <= set(text.words("到站时间预报"))


def test_generic_words_of_proposals_are_ignored():
    assert text.words("智慧管理平台系统建设") == []
    # also when the segmenter keeps them together as one word
    assert text.words("综合服务平台信息管理") == []
    assert text.words("智慧停车管理平台") == ["停车"]


def test_synonyms_meet_on_one_word():
    assert "预报" in text.words("车辆到站时间预测")
    assert "车位" in text.words("泊位")


def test_full_width_and_latin_text_is_normalized():
    assert "ai" in text.words("视频ＡＩ智能分析")


def test_traditional_characters_read_as_simplified():
    assert text.words("公車到站時間預報") == text.words("公车到站时间预报")
    assert text.normalize("臺灣資訊") == "台湾资讯"


def test_numbers_are_dropped_but_service_numbers_kept():
    assert text.words("覆盖200个社区，2025年建成") == ["覆盖", "社区", "建成"]
    assert "12345" in text.words("12345热线工单")


def test_listed_functions_lose_their_numbering():
    functions = "1. 在线申报\n（2）办件进度查询；好差评\n③ 电子证照调用\n\n"
    assert text.function_texts(functions=functions) == (["在线申报", "办件进度查询", "好差评", "电子证照调用"], False)


def test_without_a_function_list_the_description_clauses_are_the_derived_functions():
    description = "建设不动产登记在线申请、登记信息查询功能，实现交易和登记一窗受理。"
    assert text.function_texts(name="不动产系统", description=description) == (
        ["不动产登记在线申请", "登记信息查询", "交易和登记一窗受理"],
        True,
    )


def test_prose_lists_lose_their_lead_in_and_trailer_and_split_on_and():
    description = "平台主要功能包括公交车辆实时定位、到站时间预报和换乘查询等功能。"
    assert text.function_texts(description=description)[0] == ["公交车辆实时定位", "到站时间预报", "换乘查询"]


def test_without_functions_or_a_meaningful_description_the_name_is_the_function():
    assert text.function_texts(name="智慧停车管理平台", description="提升管理效率。") == (["智慧停车管理平台"], True)


def test_empty_or_one_character_text_has_nothing_to_compare():
    for description in ("", "。", "好", "a"):
        analysis = text.analyze(name="", description=description)
        assert not analysis.informative
        assert analysis.keys == ()


def test_search_words_include_the_words_inside_long_words():
    assert {"降雨", "雨量", "降雨量"} <= set(text.words("降雨量监测", search=True))


def test_a_word_inside_another_counts_in_part():
    assert scoring.word_overlap("雨量", "降雨量") == 0.5
    assert scoring.word_overlap("燃气管道", "燃气管网") == 2 / 3
    assert scoring.word_overlap("平台", "车位") == 0


def test_a_function_written_in_other_words_still_matches_closely():
    def weight(term):
        return 0.7 if text.is_weak(term) else 1.0

    rewritten = text.words("车辆到站时间预测")
    original = text.words("到站时间预报")
    unrelated = text.words("船闸过闸预约")
    related = scoring.Related(rewritten, original + unrelated, credit=0.85)
    assert scoring.cosine(rewritten, original, weight, related) > 0.7
    assert scoring.cosine(rewritten, unrelated, weight, related) == 0


def test_synonyms_and_compounds_of_synonyms_are_related_and_say_why():
    assert scoring.relation("查看", "查询") == (0.85, scoring.SYNONYM)  # 《同义词词林》
    assert scoring.relation("市民", "群众") == (0.85, scoring.SYNONYM)  # lexicon/thesaurus.txt
    score, why = scoring.relation("停车诱导", "泊位引导")
    assert why == scoring.PARTS and 0 < score < 0.85
    assert scoring.relation("平台", "车位") == (0.0, scoring.CHARACTERS)
