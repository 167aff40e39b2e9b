from complaints.masking import ThirdParties, mask_name, mask_number, mask_text, unmasked_left


def test_numbers_and_names_are_masked_the_usual_way():
    assert mask_number("13812345678") == "138****5678"
    assert mask_number("+86 139-1111-2222") == "139****2222"
    assert mask_name("王芳") == "王*" and mask_name("张小明") == "张**"


def test_third_parties_are_masked_and_the_victim_and_collectors_are_not():
    parties = ThirdParties({"王芳", "张伟"}, {"13911112222"}, keep_numbers={"13812345678", "13700001111"})
    text = "李明（13700001111）的母亲王芳（139 1111 2222）和同事张伟接到13812345678的电话；张伟的号码15000001234。"
    masked = mask_text(text, parties, keep_names={"李明"})
    assert masked == (
        "李明（13700001111）的母亲王*（139****2222）和同事张*接到13812345678的电话；张*的号码150****1234。"
    )
    assert unmasked_left(masked, parties) == []
    assert unmasked_left(text, parties, keep_names={"李明"}) == ["13911112222", "15000001234", "张伟", "王芳"]


def test_a_third_party_whose_name_is_inside_the_victims_is_not_masked_in_it():
    parties = ThirdParties({"李明"}, set())
    assert mask_text("李明华", parties, keep_names={"李明华"}) == "李明华"
