# Gatehouse hosted pages: Vietnamese (Tiếng Việt).

language-name = Tiếng Việt
language-switcher = Ngôn ngữ
skip-to-content = Chuyển đến nội dung

## Sign-in
login-title = Đăng nhập
login-subtitle-client = để tiếp tục vào { $client }
login-subtitle = Đăng nhập vào tài khoản của bạn
login-email = Email
login-password = Mật khẩu
login-remember-me = Ghi nhớ
login-remember-me-hint = Duy trì đăng nhập trên thiết bị này. Không nên chọn khi dùng máy tính chung.
login-submit = Đăng nhập
login-error-invalid = Email hoặc mật khẩu không đúng.
login-error-missing = Vui lòng nhập email và mật khẩu.
login-error-throttled = Bạn đã thử quá nhiều lần. Vui lòng đợi { $seconds } giây rồi thử lại.
login-switch-account = Không phải bạn? Dùng tài khoản khác.

## Account selection
select-title = Chọn tài khoản
select-subtitle = để tiếp tục vào { $client }
select-continue = Tiếp tục với tài khoản { $email }
select-other = Dùng tài khoản khác

## Consent
consent-title = { $client } muốn truy cập tài khoản của bạn
consent-signed-in-as = Đã đăng nhập với { $email }
consent-intro = { $client } yêu cầu được:
consent-allow = Cho phép
consent-deny = Hủy
consent-footnote = Bạn có thể thay đổi quyết định sau; { $client } chỉ nhận được những gì bạn cho phép tại đây.
scope-openid = Xác nhận danh tính của bạn
scope-profile = Xem họ tên và hồ sơ cơ bản của bạn
scope-email = Xem địa chỉ email của bạn
scope-phone = Xem số điện thoại của bạn
scope-offline_access = Duy trì kết nối với tài khoản của bạn cả khi bạn không sử dụng
scope-other = Sử dụng quyền “{ $scope }”

## Sign-out
logout-title = Đăng xuất
logout-question = Bạn có muốn đăng xuất khỏi { $product } không?
logout-confirm = Đăng xuất
logout-cancel = Vẫn đăng nhập
logged-out-title = Bạn đã đăng xuất
logged-out-body = Bạn đã đăng xuất khỏi { $product }. Bạn có thể đóng cửa sổ này.

## Signed-in landing page
home-title = Tài khoản của bạn
home-signed-in-as = Bạn đang đăng nhập với { $email }.
home-signed-out = Bạn chưa đăng nhập.
home-sign-in = Đăng nhập
home-sign-out = Đăng xuất

## Errors
error-title = Đã xảy ra lỗi
error-heading-request = Không thể hoàn tất yêu cầu này
error-what-now = Hãy quay lại ứng dụng bạn vừa sử dụng và thử lại. Nếu lỗi tiếp tục xảy ra, vui lòng liên hệ bộ phận hỗ trợ của ứng dụng đó.
error-missing-client-id = Yêu cầu không cho biết ứng dụng nào đang yêu cầu đăng nhập.
error-unknown-client = Ứng dụng đã chuyển bạn đến đây chưa được đăng ký với { $product }.
error-missing-redirect-uri = Yêu cầu không cho biết cần quay về đâu sau khi đăng nhập.
error-unregistered-redirect-uri = Địa chỉ quay về trong yêu cầu chưa được đăng ký cho ứng dụng này, vì vậy chúng tôi sẽ không chuyển bạn đến đó.
error-duplicated-parameter = Yêu cầu lặp lại một tham số nên không thể tin cậy.
error-csrf = Biểu mẫu này đã hết hạn hoặc được gửi từ một trang khác. Hãy quay lại, tải lại trang và thử lại.
error-flow-expired = Yêu cầu đăng nhập này đã hết hạn hoặc đã được hoàn tất. Hãy quay lại ứng dụng và bắt đầu lại.
error-internal = Đã xảy ra lỗi không mong muốn từ phía chúng tôi. Vui lòng thử lại sau giây lát.
error-not-found = Trang này không tồn tại.
error-bad-request = Yêu cầu không hợp lệ.
error-logout-redirect = Địa chỉ quay về sau khi đăng xuất chưa được đăng ký cho ứng dụng này.
error-logout-hint = Yêu cầu đăng xuất tham chiếu đến một phiên đăng nhập mà chúng tôi không thể xác minh.
error-rate-limited = Có quá nhiều yêu cầu. Vui lòng đợi một lát rồi thử lại.

## Sign-in names, studios and devices
login-error-malformed = Vui lòng nhập địa chỉ email, hoặc tên người dùng và số giấy phép theo dạng tên@giấyphép.
login-error-unknown-studio = Không có studio hoặc giấy phép nào mang tên đó. Hãy kiểm tra phần sau dấu @.
studio-picker-title = Chọn studio
studio-picker-subtitle = { $email } thuộc nhiều studio. Bạn muốn dùng studio nào với { $client }?
studio-current = hiện tại
error-studio-unknown = Ứng dụng yêu cầu một studio không tồn tại.
error-studio-not-member = Tài khoản của bạn không phải là thành viên của studio mà lần đăng nhập này yêu cầu. Hãy nhờ quản trị viên studio thêm bạn, hoặc đăng nhập bằng tài khoản khác.
error-studio-none = Tài khoản của bạn không thuộc studio nào mà ứng dụng này chấp nhận, vì vậy bạn không thể sử dụng ứng dụng. Hãy liên hệ quản trị viên studio để được cấp quyền.
error-device-limit = Tài khoản của bạn đã được đăng ký trên số thiết bị tối đa cho phép nên không thể sử dụng trên thiết bị này. Vui lòng liên hệ quản trị viên studio hoặc bộ phận chăm sóc khách hàng để gỡ bỏ thiết bị bạn không còn dùng, rồi thử lại.
error-not-permitted = Bạn không có quyền thực hiện thao tác này.

## Account page
account-title = Tài khoản của bạn
account-studio = Studio
account-studio-current = Bạn đang làm việc trong { $studio }.
account-switch-to = Chuyển sang { $studio }
account-manage-studio = Quản lý thành viên và thiết bị của { $studio }
account-devices = Thiết bị
account-this-device = thiết bị này
account-last-seen = Sử dụng lần cuối { $when }
account-remove = Gỡ bỏ
account-sessions = Phiên đăng nhập
account-this-session = phiên này
account-started = Đăng nhập lúc { $when }
account-end-session = Kết thúc
account-change-password = Đổi mật khẩu
account-current-password = Mật khẩu hiện tại
account-new-password = Mật khẩu mới
account-confirm-password = Nhập lại mật khẩu mới
account-notice-device-removed = Thiết bị đã được gỡ bỏ và bị đăng xuất ở mọi nơi.
account-notice-session-ended = Phiên đăng nhập đã được kết thúc.
account-notice-studio-switched = Bạn đang làm việc trong một studio khác.
account-notice-password-changed = Mật khẩu của bạn đã được thay đổi. Các phiên và ứng dụng khác đã bị đăng xuất.
account-error-current-password = Mật khẩu hiện tại không đúng.
account-error-password-mismatch = Hai mật khẩu mới không khớp nhau.
account-error-password-short = Mật khẩu mới phải có ít nhất { $min } ký tự.
account-error-password-long = Mật khẩu mới chỉ được có tối đa { $max } ký tự.
members-title = Thành viên của { $studio }
members-subtitle = Gỡ bỏ thiết bị mà thành viên không còn sử dụng; thiết bị đó sẽ bị đăng xuất ngay lập tức.
members-roles = Vai trò: { $roles }
members-no-devices = Chưa có thiết bị nào được đăng ký.
members-back = Quay lại tài khoản của bạn
home-account = Tài khoản của bạn
