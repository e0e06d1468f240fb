package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// tiktokDataID is the script TikTok renders a profile's data into:
// {"__DEFAULT_SCOPE__":{"webapp.user-detail":{"userInfo":{"user":{…},
// "stats":{…},"statsV2":{…}}}}}. statsV2 has the counts as strings.
const tiktokDataID = "__UNIVERSAL_DATA_FOR_REHYDRATION__"

type tiktokUserInfo struct {
	User struct {
		UniqueID     string `json:"uniqueId"`
		Nickname     string `json:"nickname"`
		Signature    string `json:"signature"`
		AvatarLarger string `json:"avatarLarger"`
		BioLink      struct {
			Link string `json:"link"`
		} `json:"bioLink"`
	} `json:"user"`
	Stats struct {
		FollowerCount flexCount `json:"followerCount"`
	} `json:"stats"`
	StatsV2 struct {
		FollowerCount flexCount `json:"followerCount"`
	} `json:"statsV2"`
}

type tiktokData struct {
	Scope struct {
		UserDetail struct {
			UserInfo tiktokUserInfo `json:"userInfo"`
		} `json:"webapp.user-detail"`
	} `json:"__DEFAULT_SCOPE__"`
}

// tiktokUser reads TikTok's profile data when it is about the profile
// asked for: a "not found" page carries data on suggested accounts.
func (d *document) tiktokUser(p Profile) tiktokUserInfo {
	raw, ok := d.data[tiktokDataID]
	if !ok || p.Platform != "tiktok" {
		return tiktokUserInfo{}
	}
	var td tiktokData
	err := json.Unmarshal([]byte(raw), &td)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return tiktokUserInfo{} // broken JSON; a field of the wrong type only costs that field
	}
	info := td.Scope.UserDetail.UserInfo
	if !strings.EqualFold(info.User.UniqueID, p.Handle) {
		return tiktokUserInfo{}
	}
	info.User.Nickname = clean(info.User.Nickname)
	info.User.Signature = clean(info.User.Signature)
	return info
}

func (t tiktokUserInfo) followers() int64 {
	for _, c := range []flexCount{t.StatsV2.FollowerCount, t.Stats.FollowerCount} {
		if c.set {
			return c.n
		}
	}
	return -1
}

// flexCount is a non-negative count given as a JSON number or a numeric
// string; anything else leaves it unset.
type flexCount struct {
	n   int64
	set bool
}

func (c *flexCount) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(bytes.TrimSpace(b), `"`)
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err == nil && n >= 0 && n <= maxCount {
		*c = flexCount{n: n, set: true}
	}
	return nil
}
