"""The providers' signatures against their documents' worked examples: Aliyun's RPC
signature (DescribeRegions, secret "testsecret") and Tencent's TC3 (DescribeInstances,
whose document publishes the derived key and the signature but masks the SecretKey)."""

from __future__ import annotations

from bot.channels.sms import aliyun, tencent

ALIYUN_EXAMPLE = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}
TENCENT_BODY = (
    '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
)
TENCENT_KEY = "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"


def test_aliyun_signs_its_documented_example() -> None:
    assert aliyun.sign("testsecret", "GET", ALIYUN_EXAMPLE) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_aliyun_encodes_as_its_rules_say() -> None:
    assert aliyun.percent("a b*c~d/é") == "a%20b%2Ac~d%2F%C3%A9"


def test_tencent_signs_its_documented_example() -> None:
    canonical = tencent.canonical_request(
        "cvm.tencentcloudapi.com", "DescribeInstances", TENCENT_BODY
    )
    to_sign = tencent.string_to_sign(canonical, 1551113065, "cvm")
    assert to_sign == (
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    )
    assert tencent.sign_with_key(bytes.fromhex(TENCENT_KEY), to_sign) == (
        "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    )


def test_tencent_signs_for_the_host_without_the_default_port() -> None:
    assert tencent.host_of("https://sms.tencentcloudapi.com") == "sms.tencentcloudapi.com"
    assert tencent.host_of("https://sms.tencentcloudapi.com:443/") == "sms.tencentcloudapi.com"
    assert tencent.host_of("http://127.0.0.1:8080") == "127.0.0.1:8080"
