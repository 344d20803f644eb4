# Gatehouse hosted pages: Vietnamese (Tiếng Việt).

language-name = Tiếng Việt
language-switcher = Ngôn ngữ
skip-to-content = Chuyển đến nội dung

## Sign-in
login-title = Đăng nhập
login-subtitle-client = để tiếp tục vào { $client }
login-subtitle = Đăng nhập vào tài khoản của bạn
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
error-invalid-request-object = Ứng dụng đã gửi một yêu cầu đăng nhập có chữ ký nhưng không thể xác minh. Hãy quay lại ứng dụng và thử lại.
error-csrf = Biểu mẫu này đã hết hạn hoặc được gửi từ một trang khác. Hãy quay lại, tải lại trang và thử lại.
error-flow-expired = Yêu cầu đăng nhập này đã hết hạn hoặc đã được hoàn tất. Hãy quay lại ứng dụng và bắt đầu lại.
error-internal = Đã xảy ra lỗi không mong muốn từ phía chúng tôi. Vui lòng thử lại sau giây lát.
error-unavailable = Dịch vụ đăng nhập tạm thời không khả dụng. Vui lòng thử lại sau giây lát.
error-not-found = Trang này không tồn tại.
error-bad-request = Yêu cầu không hợp lệ.
error-logout-redirect = Địa chỉ quay về sau khi đăng xuất chưa được đăng ký cho ứng dụng này.
error-logout-hint = Yêu cầu đăng xuất tham chiếu đến một phiên đăng nhập mà chúng tôi không thể xác minh.
error-rate-limited = Có quá nhiều yêu cầu. Vui lòng đợi một lát rồi thử lại.

## Sign-in names, studios and devices
login-error-malformed = Vui lòng nhập địa chỉ email, hoặc tên đăng nhập và số giấy phép theo dạng tên đăng nhập@giấy phép.
login-error-unknown-studio = Không có studio hoặc giấy phép nào mang tên đó. Hãy kiểm tra phần sau dấu @.
studio-picker-title = Chọn studio
studio-picker-subtitle = { $email } thuộc nhiều studio. Bạn muốn dùng studio nào với { $client }?
studio-current = hiện tại
error-studio-unknown = Ứng dụng yêu cầu một studio không tồn tại.
error-studio-not-member = Tài khoản của bạn không phải là thành viên của studio mà lần đăng nhập này yêu cầu. Hãy nhờ quản trị viên studio thêm bạn, hoặc đăng nhập bằng tài khoản khác.
error-studio-none = Tài khoản của bạn không thuộc studio nào mà ứng dụng này chấp nhận, vì vậy bạn không thể sử dụng ứng dụng. Hãy liên hệ quản trị viên studio để được cấp quyền.
error-studio-fapi = Studio này chỉ cho phép đăng nhập từ các ứng dụng đáp ứng hồ sơ bảo mật của studio (FAPI 2.0), và ứng dụng này không đáp ứng. Hãy dùng ứng dụng mà studio của bạn đã phê duyệt hoặc liên hệ quản trị viên studio.
error-device-limit = Tài khoản của bạn đã được đăng ký trên số thiết bị tối đa cho phép nên không thể sử dụng trên thiết bị này. Vui lòng liên hệ quản trị viên studio hoặc bộ phận chăm sóc khách hàng để gỡ bỏ thiết bị bạn không còn dùng, rồi thử lại.
error-not-permitted = Bạn không có quyền thực hiện thao tác này.
error-too-large = Yêu cầu quá lớn. Hãy rút ngắn nội dung bạn đã nhập và thử lại.

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
members-title = Thành viên của { $studio }
members-subtitle = Gỡ bỏ thiết bị mà thành viên không còn sử dụng; thiết bị đó sẽ bị đăng xuất ngay lập tức.
members-roles = Vai trò: { $roles }
members-no-devices = Chưa có thiết bị nào được đăng ký.
members-back = Quay lại tài khoản của bạn
home-account = Tài khoản của bạn

## Sign-in links and account states
login-identifier = Email hoặc tên đăng nhập@giấy phép
login-forgot-password = Quên mật khẩu?
login-forgot-username = Quên tên đăng nhập?
login-register = Tạo tài khoản mới
login-error-unconfirmed = Vui lòng xác nhận địa chỉ email trước: hãy mở liên kết chúng tôi đã gửi cho bạn khi đăng ký.
login-error-awaiting-approval = Đăng ký của bạn đang chờ quản trị viên studio phê duyệt. Chúng tôi sẽ gửi email cho bạn khi đăng ký được phê duyệt.

## Form fields
field-name = Họ và tên
field-email = Email
field-phone = Số điện thoại
field-phone-optional = Số điện thoại (không bắt buộc)
field-phone-hint = Theo định dạng quốc tế, ví dụ +84 912 345 678.
field-country = Quốc gia
field-city = Thành phố
field-company = Công ty
field-job-title = Chức danh
field-trade-name = Tên thương mại
field-date-of-birth = Ngày sinh
field-error-required = Vui lòng điền trường này: { $field }.
field-error-too-long = Trường này quá dài: { $field }.
field-error-invalid = Trường này chứa ký tự không được phép: { $field }.
field-error-email = Vui lòng nhập địa chỉ email hợp lệ, ví dụ name@example.com.
field-error-phone = Vui lòng nhập số điện thoại theo định dạng quốc tế, ví dụ +84 912 345 678.
field-error-date = Vui lòng nhập ngày sinh theo định dạng YYYY-MM-DD.
field-error-password-mismatch = Hai mật khẩu không khớp nhau.

## Password rules
password-rules-summary = Tối thiểu { $min } ký tự.
password-rule-too-short = Mật khẩu phải có ít nhất { $min } ký tự.
password-rule-too-long = Mật khẩu chỉ được có tối đa { $max } ký tự.
password-rule-lowercase = Mật khẩu phải chứa ít nhất một chữ cái viết thường.
password-rule-uppercase = Mật khẩu phải chứa ít nhất một chữ cái viết hoa.
password-rule-digit = Mật khẩu phải chứa ít nhất một chữ số.
password-rule-symbol = Mật khẩu phải chứa ít nhất một ký tự đặc biệt, ví dụ ! hoặc #.
password-rule-personal = Mật khẩu không được chứa họ tên hoặc địa chỉ email của bạn.
password-rule-common = Mật khẩu này quá phổ biến và dễ đoán. Vui lòng chọn mật khẩu khác.
password-rule-reused = Bạn đã sử dụng mật khẩu này gần đây. Vui lòng chọn mật khẩu không trùng với { $count } mật khẩu gần nhất của bạn.

## Registration
register-title = Tạo tài khoản mới
register-subtitle = Vui lòng điền thông tin của bạn. Địa chỉ email sẽ là tên đăng nhập của bạn.
register-subtitle-studio = Tạo tài khoản của bạn cho { $studio }. Địa chỉ email sẽ là tên đăng nhập của bạn.
register-email-hint = Chúng tôi sẽ gửi liên kết xác nhận đến địa chỉ này.
register-submit = Tạo tài khoản
register-have-account = Đã có tài khoản? Đăng nhập.
register-closed = Chức năng đăng ký không được mở tại đây. Vui lòng liên hệ tổ chức đã mời bạn để được cấp tài khoản.
register-check-email-title = Kiểm tra email của bạn
register-check-email-body = Chúng tôi đã gửi một thư đến { $email }. Hãy mở liên kết trong thư để xác nhận địa chỉ email và hoàn tất việc tạo tài khoản. Nếu không thấy thư, vui lòng kiểm tra thư mục thư rác (spam).
register-confirmed-title = Địa chỉ email của bạn đã được xác nhận
register-confirmed-body = Tài khoản của bạn đã sẵn sàng. Bây giờ bạn có thể đăng nhập.
register-awaiting-title = Địa chỉ email của bạn đã được xác nhận
register-awaiting-body = Đăng ký của bạn hiện đang chờ quản trị viên studio phê duyệt. Chúng tôi sẽ gửi email cho bạn ngay khi đăng ký được phê duyệt.
register-confirm-title = Xác nhận địa chỉ email của bạn
register-confirm-intro = Nhấn nút để xác nhận địa chỉ email và hoàn tất việc tạo tài khoản.
register-confirm-submit = Xác nhận địa chỉ email của tôi
link-invalid-title = Liên kết này không còn hiệu lực
link-invalid-body = Liên kết đã được sử dụng hoặc đã hết hạn. Vui lòng thực hiện lại từ đầu để nhận liên kết mới.

## Activation
activate-title = Kích hoạt tài khoản
activate-intro = Hãy chọn mật khẩu để kích hoạt tài khoản của bạn. Bạn cũng có thể sửa địa chỉ email và thêm số điện thoại để khôi phục mật khẩu.
activate-username = Tên đăng nhập của bạn: { $username }
activate-email-hint = Nếu bạn thay đổi địa chỉ email, chúng tôi sẽ gửi mã đến địa chỉ mới để xác nhận.
activate-submit = Kích hoạt tài khoản
activate-done-title = Tài khoản của bạn đã được kích hoạt
activate-done-body = Bây giờ bạn có thể đăng nhập bằng tên đăng nhập và mật khẩu mới.
activate-done-confirm-email = Chúng tôi đã gửi mã đến { $email }. Hãy đăng nhập và nhập mã này trên trang tài khoản để xác nhận địa chỉ mới.

## Forgotten password and user name
forgot-password-title = Đặt lại mật khẩu
forgot-password-intro = Vui lòng nhập địa chỉ email, hoặc tên đăng nhập và số giấy phép theo dạng tên đăng nhập@giấy phép, rồi chọn cách nhận mã đặt lại mật khẩu.
forgot-password-identifier = Email hoặc tên đăng nhập@giấy phép
forgot-password-channel = Gửi mã qua
forgot-password-by-email = Email
forgot-password-by-sms = Tin nhắn SMS
forgot-password-submit = Gửi
forgot-spam-hint = Nếu không nhận được thư, vui lòng kiểm tra thư mục thư rác (spam).
forgot-password-code-title = Nhập mã
forgot-password-code-intro-email = Nếu có tài khoản phù hợp, chúng tôi đã gửi mã gồm 6 chữ số và liên kết đặt lại mật khẩu đến địa chỉ email của tài khoản đó. Hãy nhập mã tại đây hoặc mở liên kết.
forgot-password-code-intro-sms = Nếu có tài khoản phù hợp và tài khoản đó có số điện thoại đã được xác minh, chúng tôi đã gửi mã gồm 6 chữ số đến số điện thoại đó qua tin nhắn SMS.
reset-title = Chọn mật khẩu mới
reset-intro = Khi đổi sang mật khẩu mới, bạn sẽ bị đăng xuất ở mọi nơi, kể cả các ứng dụng trên điện thoại.
reset-submit = Đổi mật khẩu
reset-done-title = Mật khẩu của bạn đã được thay đổi
reset-done-body = Bạn đã được đăng xuất ở mọi nơi. Hãy đăng nhập bằng mật khẩu mới.
forgot-username-title = Quên tên đăng nhập?
forgot-username-intro = Vui lòng nhập địa chỉ email hoặc số điện thoại đã liên kết với tài khoản của bạn, chúng tôi sẽ gửi cho bạn các tên đăng nhập tương ứng.
forgot-username-contact = Email hoặc số điện thoại
forgot-username-sent-title = Kiểm tra tin nhắn của bạn
forgot-username-sent-body = Nếu địa chỉ email hoặc số điện thoại đó được liên kết với một tài khoản, chúng tôi đã gửi các tên đăng nhập đến đó.

## Codes
code-label = Mã
code-submit = Xác nhận
code-start-over = Gửi mã mới
code-error-wrong = Mã không đúng. Vui lòng kiểm tra và thử lại.
code-error-expired = Mã đã hết hạn hoặc đã được sử dụng. Vui lòng yêu cầu mã mới.
code-error-too-many = Bạn đã nhập sai mã quá nhiều lần. Vui lòng yêu cầu mã mới.
code-error-too-many-sent = Đã có quá nhiều mã được gửi đến địa chỉ này trong thời gian gần đây. Vui lòng thử lại sau một giờ.
code-error-too-many-today = Hôm nay bạn đã yêu cầu quá nhiều mã. Hãy thử lại vào ngày mai.

## Account page additions
account-profile = Hồ sơ
account-save = Lưu
account-unverified = chưa xác minh
account-no-phone = Chưa có số điện thoại.
account-new-email = Địa chỉ email mới
account-new-phone = Số điện thoại mới
account-send-code = Gửi mã xác nhận
account-language = Ngôn ngữ
account-email-code-title = Xác nhận địa chỉ email mới
account-email-code-intro = Chúng tôi đã gửi mã gồm 6 chữ số đến địa chỉ mới. Thay đổi sẽ có hiệu lực sau khi bạn nhập mã.
account-phone-code-title = Xác nhận số điện thoại
account-phone-code-intro = Chúng tôi đã gửi mã gồm 6 chữ số đến số điện thoại của bạn qua tin nhắn SMS.
account-notice-profile-saved = Hồ sơ của bạn đã được lưu.
account-notice-email-changed = Địa chỉ email của bạn đã được thay đổi.
account-notice-phone-changed = Số điện thoại của bạn đã được xác nhận.
account-notice-language-saved = Đã lưu lựa chọn ngôn ngữ của bạn.
account-notice-code-sent = Chúng tôi đã gửi mã xác nhận. Hãy nhập mã bên dưới để hoàn tất thay đổi.
account-pending-code = Nhập mã chúng tôi đã gửi đến { $target }

## Expired password
expired-title = Mật khẩu của bạn đã hết hạn
expired-intro = Tổ chức của bạn yêu cầu thay đổi mật khẩu định kỳ. Vui lòng chọn mật khẩu mới để tiếp tục.

## Closing and reopening
close-title = Đóng tài khoản của tôi
close-warning = Khi đóng tài khoản, bạn sẽ bị đăng xuất ở mọi nơi và mọi ứng dụng sẽ bị ngắt kết nối. Nếu bạn đăng nhập lại trong vòng { $days } ngày, tài khoản sẽ được mở lại. Sau thời hạn đó, toàn bộ dữ liệu của bạn sẽ bị xóa vĩnh viễn và không thể khôi phục.
close-acknowledge = Tôi đã đọc kỹ và chấp nhận các cảnh báo trên.
close-submit = Xóa tài khoản và toàn bộ dữ liệu của tôi
close-error-acknowledge = Vui lòng đánh dấu vào ô để xác nhận rằng bạn đã đọc các cảnh báo.
closed-title = Tài khoản của bạn đã được đóng
closed-body = Tài khoản của bạn đã được đóng và bạn đã được đăng xuất. Bạn có thể mở lại tài khoản bằng cách đăng nhập trong vòng { $days } ngày.
reactivate-title = Mở lại tài khoản của bạn?
reactivate-body = Tài khoản của bạn đã được đóng và sẽ bị xóa vĩnh viễn vào ngày { $date }. Bạn có muốn mở lại tài khoản không? Các ứng dụng bạn đã sử dụng sẽ cần được kết nối lại.
reactivate-confirm = Mở lại tài khoản của tôi
reactivate-cancel = Giữ trạng thái đã đóng

## Studio admin: approvals
members-pending = Đang chờ phê duyệt
members-approve = Phê duyệt
members-notice-approved = Đăng ký đã được phê duyệt và người dùng đã được thông báo.

## Two-step verification
factor-totp = Ứng dụng xác thực
factor-passkey = Khóa truy cập
factor-email_otp = Mã qua email
factor-sms_otp = Mã qua tin nhắn SMS
factor-recovery_code = Mã khôi phục
mfa-title = Xác minh hai bước
mfa-subtitle = Mật khẩu của bạn đã chính xác. Bây giờ, hãy xác nhận danh tính bằng bước thứ hai.
mfa-subtitle-step-up = Ứng dụng này yêu cầu bạn xác nhận danh tính bằng bước thứ hai.
mfa-label-totp = Mã gồm 6 chữ số từ ứng dụng xác thực
mfa-label-recovery = Một trong các mã khôi phục của bạn
mfa-label-sent = Mã gồm 6 chữ số chúng tôi đã gửi đến { $target }
mfa-intro-passkey = Hãy dùng khóa truy cập trên thiết bị này hoặc khóa bảo mật của bạn. Thiết bị có thể yêu cầu vân tay, khuôn mặt hoặc mã PIN của bạn.
mfa-use-passkey = Dùng khóa truy cập của tôi
mfa-remember-device = Không hỏi lại trên thiết bị này trong { $days } ngày
mfa-remember-device-hint = Chỉ chọn trên thiết bị mà riêng bạn sử dụng.
mfa-send-again = Gửi mã mới
mfa-other-methods = Dùng phương thức khác
mfa-lost-factor = Không truy cập được phương thức xác thực?
mfa-code-sent = Chúng tôi đã gửi mã gồm 6 chữ số đến { $target }.
mfa-error-wrong-code = Mã không đúng. Vui lòng kiểm tra và thử lại.
mfa-error-code-expired = Mã đã hết hạn hoặc đã được sử dụng. Vui lòng yêu cầu gửi mã mới.
mfa-error-no-target = Không có địa chỉ email hoặc số điện thoại đã xác nhận nào để gửi mã.
mfa-error-passkey = Không thể sử dụng khóa truy cập. Vui lòng thử lại hoặc dùng phương thức khác.
mfa-setup-title = Thiết lập xác minh hai bước
mfa-setup-intro = Tổ chức của bạn yêu cầu thêm bước thứ hai khi đăng nhập. Hãy chọn cách bạn muốn xác nhận danh tính; bạn có thể thêm các phương thức khác sau trên trang tài khoản.
mfa-help-title = Không truy cập được phương thức xác thực?
mfa-help-intro = Nếu bạn bị mất điện thoại hoặc khóa bảo mật, quản trị viên studio của bạn có thể tắt xác minh hai bước giúp bạn, để bạn đăng nhập bằng mật khẩu và thiết lập lại.
mfa-help-recovery = Nếu đã lưu các mã khôi phục, bạn có thể dùng một trong các mã đó để thay thế.
mfa-help-submit = Nhờ quản trị viên studio của tôi hỗ trợ
mfa-use-recovery = Dùng mã khôi phục
mfa-help-sent-title = Yêu cầu của bạn đã được gửi
mfa-help-sent = Nếu tài khoản của bạn thuộc một studio, các quản trị viên của studio đó đã được đề nghị hỗ trợ và sẽ liên hệ với bạn. Nếu không nhận được phản hồi, hãy liên hệ bộ phận hỗ trợ của tổ chức bạn.
mfa-help-back = Quay lại trang đăng nhập
mfa-none-usable = Hiện không thể dùng phương thức xác minh hai bước nào của bạn, nên bạn không thể hoàn tất đăng nhập tại đây. Hãy nhờ quản trị viên studio của bạn giúp đỡ bên dưới, hoặc liên hệ bộ phận hỗ trợ của tổ chức.
passkey-unsupported = Trình duyệt này không hỗ trợ khóa truy cập. Hãy dùng phương thức khác hoặc trình duyệt khác.
login-with-passkey = Đăng nhập bằng khóa truy cập
login-error-passkey = Không thể đăng nhập bằng khóa truy cập. Vui lòng thử lại hoặc đăng nhập bằng mật khẩu.
totp-title = Thiết lập ứng dụng xác thực
totp-step-install = Cài đặt một ứng dụng xác thực trên điện thoại, chẳng hạn như Google Authenticator hoặc Microsoft Authenticator.
totp-step-scan = Trong ứng dụng, hãy thêm tài khoản và quét mã QR này.
totp-step-code = Nhập mã gồm 6 chữ số hiển thị trong ứng dụng. Hãy hoàn tất trong vòng { $minutes } phút.
totp-qr-alt = Mã QR để thêm tài khoản này vào ứng dụng xác thực
totp-manual = Không quét được mã? Hãy nhập khóa này vào ứng dụng:
totp-open-app = Mở trong ứng dụng xác thực trên thiết bị này
totp-confirm = Bật
recovery-title = Mã khôi phục
recovery-intro = Hãy cất giữ các mã này ở nơi an toàn, ví dụ in ra giấy hoặc lưu trong trình quản lý mật khẩu. Mỗi mã cho phép bạn đăng nhập một lần nếu bạn mất quyền truy cập vào bước thứ hai.
recovery-once = Các mã chỉ hiển thị lúc này. Bạn có thể tạo mã mới trên trang tài khoản bất cứ lúc nào.
recovery-continue = Tôi đã lưu các mã
security-title = Xác minh hai bước
security-intro = Thêm một bước sau mật khẩu giúp tài khoản của bạn an toàn ngay cả khi người khác biết mật khẩu của bạn.
security-required = Tổ chức của bạn yêu cầu xác minh hai bước. Hãy thêm một phương thức ngay bây giờ.
security-locked = Để thay đổi các cài đặt này, trước tiên hãy xác nhận danh tính bằng bước thứ hai.
security-unlock = Xác nhận danh tính của tôi
security-your-factors = Phương thức của bạn
security-none = Bạn chưa thiết lập xác minh hai bước.
security-added = Đã thêm lúc { $when }
security-rename = Đổi tên
security-new-name = Tên mới
security-recovery-left = Bạn còn { $count } mã khôi phục chưa sử dụng.
security-new-recovery-codes = Tạo mã khôi phục mới
security-add = Thêm phương thức
security-hint-totp = Mã từ một ứng dụng trên điện thoại của bạn. Hoạt động cả khi không có kết nối mạng.
security-hint-passkey = Vân tay, khuôn mặt, khóa màn hình hoặc khóa bảo mật của bạn. Đồng thời cho phép bạn đăng nhập mà không cần mật khẩu.
security-hint-code = Mã được gửi đến { $target } mỗi khi bạn đăng nhập.
security-add-totp = Thiết lập ứng dụng xác thực
security-add-passkey = Tạo khóa truy cập
security-add-code = Gửi mã để xác nhận
security-passkey-name = Tên khóa truy cập (không bắt buộc)
security-passkey-name-example = Ví dụ: máy tính xách tay cơ quan
security-code-setup-intro = Chúng tôi đã gửi mã gồm 6 chữ số đến { $target }. Hãy nhập mã để bật phương thức này.
security-notice-factor-added = Đã thêm phương thức.
security-notice-factor-removed = Đã gỡ bỏ phương thức.
security-notice-factor-renamed = Đã lưu tên.
security-notice-last-required = Tổ chức của bạn yêu cầu xác minh hai bước nên bạn không thể gỡ bỏ phương thức cuối cùng. Hãy thêm một phương thức khác trước.
security-throttled-title = Vui lòng đợi một lát
security-lapsed-title = Đã hết thời gian
security-lapsed = Quá trình thiết lập chưa hoàn tất kịp thời hoặc mã đã được sử dụng. Vui lòng bắt đầu lại.
security-start-again = Bắt đầu lại
security-passkey-refused-title = Chưa thêm được khóa truy cập
security-passkey-refused = Không thể tạo khóa truy cập hoặc khóa này đã được đăng ký. Vui lòng thử lại.
security-back = Quay lại tài khoản của bạn
account-mfa-on = Xác minh hai bước đang bật.
account-mfa-off = Xác minh hai bước đang tắt.
account-manage-security = Cài đặt xác minh hai bước
members-mfa-on = Đã bật xác minh hai bước
members-mfa-off = Chưa bật xác minh hai bước
members-reset-reason = Lý do (được lưu vào nhật ký kiểm tra và gửi cho thành viên)
members-reset-mfa = Tắt xác minh hai bước
members-reset-reason-required = Vui lòng nêu lý do tắt xác minh hai bước của thành viên.
members-notice-mfa-reset = Đã tắt xác minh hai bước và thành viên đã được thông báo.
members-reset-shared-member = Thành viên này cũng thuộc một studio khác chỉ cho phép đặt lại xác minh hai bước cho thành viên riêng của mình. Hãy nhờ quản trị viên của tổ chức bạn thực hiện.
members-reset-too-many = Hôm nay studio này đã tắt xác minh hai bước cho số thành viên tối đa được phép. Hãy thử lại vào ngày mai hoặc nhờ quản trị viên của tổ chức bạn.

## E-mail and SMS messages
mail-greeting = Xin chào,
mail-greeting-name = Xin chào { $name },
mail-footer = Thư này được gửi từ { $product }. Nếu bạn không chờ đợi thư này, bạn có thể bỏ qua; sẽ không có gì thay đổi trừ khi bạn thực hiện thao tác theo hướng dẫn trong thư.
mail-confirm_registration-subject = Xác nhận địa chỉ email của bạn
mail-confirm_registration-body = Cảm ơn bạn đã đăng ký sử dụng { $product }. Vui lòng xác nhận địa chỉ email để hoàn tất việc tạo tài khoản. Liên kết có hiệu lực trong { $days } ngày.
mail-confirm_registration-action = Xác nhận địa chỉ email
mail-already_registered-subject = Bạn đã có tài khoản
mail-already_registered-body = Có người đã thử tạo tài khoản hoặc sử dụng địa chỉ email này với { $product }, nhưng đã có một tài khoản dùng địa chỉ này. Nếu đó là bạn, hãy đăng nhập, hoặc đặt lại mật khẩu nếu bạn đã quên. Nếu đó không phải là bạn, bạn không cần làm gì cả.
mail-already_registered-action = Đặt lại mật khẩu
mail-registration_approved-subject = Đăng ký của bạn đã được phê duyệt
mail-registration_approved-body = Đăng ký của bạn với { $studio } đã được phê duyệt. Bây giờ bạn có thể đăng nhập.
mail-registration_approved-action = Đăng nhập
mail-activation-subject = Kích hoạt tài khoản của bạn
mail-activation-body =
    Một tài khoản đã được tạo cho bạn. Tên đăng nhập của bạn là: { $username }

    Hãy mở liên kết để chọn mật khẩu. Tại đó, bạn cũng có thể kiểm tra địa chỉ email và thêm số điện thoại. Liên kết có hiệu lực trong { $days } ngày.
mail-activation-action = Kích hoạt tài khoản
mail-password_reset-subject = Đặt lại mật khẩu của bạn
mail-password_reset-body =
    Chúng tôi đã nhận được yêu cầu đặt lại mật khẩu của bạn. Hãy nhập mã này trên trang đặt lại mật khẩu hoặc mở liên kết bên dưới. Mã có hiệu lực trong { $minutes } phút.

    Nếu bạn không yêu cầu đặt lại mật khẩu, hãy bỏ qua thư này; mật khẩu của bạn sẽ không thay đổi.
mail-password_reset-action = Chọn mật khẩu mới
mail-password_changed-subject = Mật khẩu của bạn đã được thay đổi
mail-password_changed-body = Mật khẩu tài khoản của bạn vừa được thay đổi và bạn đã bị đăng xuất khỏi các thiết bị và ứng dụng khác. Nếu bạn không thực hiện thay đổi này, hãy đặt lại mật khẩu ngay và liên hệ bộ phận hỗ trợ.
mail-usernames-subject = Tên đăng nhập của bạn
mail-usernames-body =
    Dưới đây là các tên đăng nhập được liên kết với địa chỉ này:

    { $usernames }
mail-usernames-action = Đăng nhập
mail-email_change_code-subject = Xác nhận địa chỉ email mới của bạn
mail-email_change_code-body = Hãy nhập mã này trên trang tài khoản để xác nhận địa chỉ email mới. Mã có hiệu lực trong { $minutes } phút.
mail-email_changed-subject = Địa chỉ email của bạn đã được thay đổi
mail-email_changed-body = Địa chỉ email của tài khoản bạn đã được đổi thành { $email }. Nếu bạn không thực hiện thay đổi này, hãy hoàn tác bằng nút bên dưới trong vòng 72 giờ: bạn sẽ bị đăng xuất khỏi mọi nơi và sau đó có thể chọn mật khẩu mới.
mail-account_closed-subject = Tài khoản của bạn đã được đóng
mail-account_closed-body = Tài khoản của bạn đã được đóng. Nếu bạn đăng nhập lại trong vòng { $days } ngày, tài khoản sẽ được mở lại. Sau thời hạn đó, dữ liệu của bạn sẽ bị xóa vĩnh viễn.
mail-account_reactivated-subject = Tài khoản của bạn đã được mở lại
mail-account_reactivated-body = Chào mừng bạn quay lại. Tài khoản của bạn đã được mở lại. Các ứng dụng bạn đã sử dụng trước đây cần được kết nối lại.
sms-password_reset_sms = Mã đặt lại mật khẩu { $product } của bạn là { $code }, hết hạn sau { $minutes } phút. Không chia sẻ mã này cho bất kỳ ai.
sms-usernames_sms = Tên đăng nhập { $product } của bạn: { $usernames }
sms-phone_code = Mã xác nhận { $product } của bạn là { $code }, hết hạn sau { $minutes } phút.
mail-mfa_code-subject = Mã đăng nhập của bạn
mail-mfa_code-body = Dưới đây là mã để hoàn tất việc đăng nhập. Mã có hiệu lực trong { $minutes } phút. Nếu bạn không thử đăng nhập, có thể ai đó đã biết mật khẩu của bạn: hãy đổi mật khẩu ngay.
mail-mfa_added-subject = Một phương thức đăng nhập đã được thêm vào tài khoản của bạn
mail-mfa_added-body = Phương thức sau đã được thêm vào xác minh hai bước của tài khoản bạn: { $factor }. Nếu bạn không thực hiện thay đổi này, hãy đổi mật khẩu ngay và liên hệ bộ phận hỗ trợ.
mail-mfa_added-action = Xem lại các phương thức đăng nhập
mail-mfa_removed-subject = Một phương thức đăng nhập đã bị gỡ khỏi tài khoản của bạn
mail-mfa_removed-body = Phương thức sau đã bị gỡ khỏi xác minh hai bước của tài khoản bạn: { $factor }. Nếu bạn không thực hiện thay đổi này, hãy đổi mật khẩu ngay và liên hệ bộ phận hỗ trợ.
mail-mfa_removed-action = Xem lại các phương thức đăng nhập
mail-mfa_reset-subject = Xác minh hai bước đã bị tắt
mail-mfa_reset-body =
    Quản trị viên đã tắt xác minh hai bước cho tài khoản của bạn. Lý do được nêu: { $reason }

    Hãy đăng nhập bằng mật khẩu và thiết lập lại xác minh hai bước. Nếu bạn không yêu cầu việc này, hãy liên hệ bộ phận hỗ trợ ngay.
mail-mfa_reset-action = Thiết lập lại
mail-mfa_help_request-subject = Một thành viên cần hỗ trợ về xác minh hai bước
mail-mfa_help_request-body = { $member } không thể hoàn tất xác minh hai bước cho { $studio } và đang cần hỗ trợ. Hãy kiểm tra để chắc chắn yêu cầu thực sự đến từ người này, sau đó tắt xác minh hai bước của họ trên trang thành viên để họ có thể thiết lập lại.
mail-mfa_help_request-action = Mở trang thành viên
mail-recovery_code_used-subject = Một mã khôi phục đã được sử dụng
mail-recovery_code_used-body = Một mã khôi phục vừa được dùng để đăng nhập vào tài khoản của bạn. Bạn còn { $remaining } mã chưa sử dụng. Nếu đó không phải là bạn, hãy đổi mật khẩu ngay và liên hệ bộ phận hỗ trợ.
mail-recovery_code_used-action = Xem lại các phương thức đăng nhập
mail-email_changed-action = Hoàn tác thay đổi này
mail-phone_changed-subject = Số điện thoại của bạn đã được thay đổi
mail-phone_changed-body = Số điện thoại của tài khoản bạn đã được đổi thành { $phone }. Nếu bạn không thực hiện thay đổi này, hãy đổi mật khẩu ngay và liên hệ bộ phận hỗ trợ.
mail-mfa_reset_elsewhere-subject = Xác minh hai bước của một thành viên đã bị tắt
mail-mfa_reset_elsewhere-body = Một quản trị viên của { $acting_studio } đã tắt xác minh hai bước cho { $member }, người cũng là thành viên của { $studio }. Lý do được nêu: { $reason }. Nếu việc này không được dự kiến, hãy kiểm tra lại với thành viên.
mail-registration_rejected-subject = Đăng ký của bạn không được phê duyệt
mail-registration_rejected-body = Đăng ký của bạn với { $studio } không được phê duyệt và tài khoản bạn đã bắt đầu tạo đã bị xóa. Nếu bạn cho rằng đây là nhầm lẫn, hãy liên hệ với studio.
sms-mfa_code_sms = Mã đăng nhập { $product } của bạn là { $code }, hết hạn sau { $minutes } phút. Không chia sẻ mã này cho bất kỳ ai.
sms-error-budget = Hiện chúng tôi không thể gửi tin nhắn SMS. Hãy thử lại sau một giờ, hoặc dùng email.
email-undo-title = Hoàn tác việc đổi địa chỉ email
email-undo-intro = Địa chỉ email của tài khoản bạn đã bị đổi khỏi địa chỉ này. Nếu không phải bạn thực hiện, hãy đổi lại: bạn sẽ bị đăng xuất khỏi mọi nơi và sau đó có thể chọn mật khẩu mới.
email-undo-submit = Đổi lại
email-undo-done-title = Địa chỉ email của bạn đã được khôi phục
email-undo-done-body = Tài khoản của bạn lại dùng { $email }, và mọi phiên đăng nhập cùng ứng dụng đã bị đăng xuất. Nếu không phải bạn thực hiện thay đổi, hãy chọn mật khẩu mới ngay.
reauth-title = Xác nhận đó là bạn
reauth-intro = Thay đổi này bảo vệ tài khoản của bạn, vì vậy trước tiên chúng tôi cần kiểm tra đúng là bạn.
reauth-password = Mật khẩu của bạn
reauth-submit = Tiếp tục
reauth-code = Hoặc mã sáu chữ số từ ứng dụng xác thực của bạn
reauth-submit-code = Tiếp tục bằng mã
reauth-cancel = Hủy
reauth-pending-email = Sau đó chúng tôi sẽ gửi mã đến { $email }.
reauth-pending-phone = Sau đó chúng tôi sẽ gửi mã đến { $phone }.
login-or = hoặc
login-providers = Các cách đăng nhập khác
login-with-provider = Tiếp tục với { $provider }
login-subtitle-studio = Đăng nhập vào { $studio }
upstream-error-title = Đăng nhập chưa hoàn tất
upstream-error-unknown = Cách đăng nhập này hiện không khả dụng.
upstream-error-not-allowed = Cách đăng nhập này không được cung cấp cho studio này.
upstream-error-expired = Phiên đăng nhập này đã hết hạn hoặc đã được dùng. Hãy bắt đầu lại từ trang đăng nhập.
upstream-error-denied = Việc đăng nhập đã bị hủy tại nhà cung cấp, hoặc nhà cung cấp từ chối quyền truy cập.
upstream-error-unavailable = Không thể kết nối tới nhà cung cấp hoặc nhà cung cấp không chấp nhận yêu cầu. Hãy thử lại sau giây lát hoặc đăng nhập bằng cách khác.
upstream-error-invalid = Phản hồi của nhà cung cấp không vượt qua kiểm tra bảo mật nên không được chấp nhận. Hãy bắt đầu lại từ trang đăng nhập.
upstream-error-unverified = Nhà cung cấp chưa xác minh địa chỉ e-mail của bạn. Hãy xác minh tại nhà cung cấp hoặc đăng nhập bằng mật khẩu.
upstream-error-no-account = Không có tài khoản nào dùng địa chỉ e-mail này và ở đây không thể tạo tài khoản mới theo cách này. Hãy đăng ký trước hoặc hỏi quản trị viên studio của bạn.
upstream-error-unusable = Tài khoản này hiện không thể đăng nhập.
upstream-back-to-login = Quay lại đăng nhập
upstream-link-title = Liên kết đăng nhập { $provider }
upstream-link-intro = Đã có tài khoản với { $email }. Để từ nay đăng nhập bằng { $provider }, hãy xác nhận tài khoản này là của bạn.
upstream-link-password = Mật khẩu Gatehouse của bạn
upstream-link-send-code = Gửi mã qua e-mail cho tôi
upstream-link-code-sent = Chúng tôi đã gửi mã tới { $email }.
upstream-link-code = Mã trong e-mail
upstream-link-confirm = Liên kết và đăng nhập
upstream-link-wrong-password = Mật khẩu không đúng.
account-linked-providers = Nhà cung cấp đăng nhập đã liên kết
account-linked-since = Liên kết lúc { $when }
account-unlink = Hủy liên kết
account-no-linked-providers = Chưa có nhà cung cấp đăng nhập nào được liên kết với tài khoản.
account-notice-provider-unlinked = Nhà cung cấp không còn liên kết với tài khoản của bạn.
account-error-last-way-in = Đây là cách đăng nhập duy nhất của bạn. Hãy đặt mật khẩu hoặc thêm khóa truy cập trước khi hủy liên kết.
mail-upstream_link-subject = Mã để liên kết { $provider }
mail-upstream_link-body = Ai đó, hy vọng là bạn, đã yêu cầu đăng nhập vào tài khoản của bạn bằng { $provider }. Nhập mã dưới đây để liên kết; mã có hiệu lực trong { $minutes } phút. Nếu không phải bạn, hãy bỏ qua thư này: không có gì thay đổi nếu không có mã.
scope-address = Xem thành phố và quốc gia của bạn
scope-gatehouse-profile = Xem công ty, tên thương mại và chức danh của bạn
account-connected-apps = Ứng dụng đã kết nối
account-app-since = Kết nối lúc { $since } · dùng lần cuối { $used }
account-disconnect = Thu hồi quyền truy cập
account-no-connected-apps = Không có ứng dụng nào truy cập tài khoản của bạn.
account-notice-app-disconnected = Ứng dụng không còn quyền truy cập tài khoản của bạn. Ứng dụng sẽ yêu cầu bạn đăng nhập lại.
login-returned-password-changed = Mật khẩu của bạn đã được thay đổi và bạn đã được đăng xuất ở mọi nơi. Hãy đăng nhập bằng mật khẩu mới để tiếp tục.
login-returned-registered = Địa chỉ email của bạn đã được xác nhận và tài khoản đã sẵn sàng. Hãy đăng nhập để tiếp tục.
login-returned-usernames-sent = Nếu địa chỉ email hoặc số điện thoại đó được liên kết với một tài khoản, chúng tôi đã gửi các tên đăng nhập đến đó. Hãy đăng nhập để tiếp tục.
device-swap-title = Dùng thiết bị này thay thế?
device-swap-intro = Tài khoản của bạn đã được đăng ký trên số thiết bị tối đa được phép. Bạn có thể thay thiết bị lâu nhất chưa dùng bằng thiết bị này.
device-swap-last-used = Dùng lần cuối { $time }
device-swap-replaced = Sẽ bị thay thế
device-swap-consequence = Thiết bị bị thay thế sẽ bị đăng xuất ngay và các ứng dụng trên đó mất quyền truy cập. Để chắc chắn đó là bạn, chúng tôi gửi mã đến email hoặc số điện thoại đã xác minh của bạn. Mỗi tài khoản có thể thay thiết bị theo cách này { $count } lần mỗi tháng.
device-swap-channel = Gửi mã
device-swap-by-email = Qua email đến { $target }
device-swap-by-sms = Qua tin nhắn SMS đến { $target }
device-swap-send = Gửi mã
device-swap-resend = Gửi mã mới
device-swap-code-intro = Chúng tôi đã gửi mã đến { $target }. Hãy nhập mã để thay thiết bị.
device-swap-submit = Thay thiết bị và đăng nhập
device-swap-no-target = Tài khoản của bạn không có email hoặc số điện thoại đã xác minh để nhận mã. Hãy nhờ quản trị viên studio hoặc bộ phận hỗ trợ khách hàng gỡ thiết bị bạn không còn dùng.
device-swap-monthly-limit = Tài khoản này đã thay thiết bị { $count } lần trong tháng này. Hãy nhờ quản trị viên studio hoặc bộ phận hỗ trợ khách hàng gỡ thiết bị bạn không còn dùng.
mail-device_swap_code-subject = Mã để thay thiết bị của bạn
mail-device_swap_code-body = Ai đó biết mật khẩu của bạn muốn dùng tài khoản trên một thiết bị mới thay cho thiết bị đã đăng ký trước đó. Nếu đó là bạn, hãy nhập mã bên dưới; mã có hiệu lực trong { $minutes } phút. Nếu không phải bạn, đừng chia sẻ mã và hãy đổi mật khẩu ngay.
sms-device_swap_code_sms = Mã { $product } để thay thiết bị của bạn là { $code }. Mã hết hạn sau { $minutes } phút. Không chia sẻ mã này.
mail-device_swapped-subject = Một thiết bị của tài khoản bạn đã được thay thế
mail-device_swapped-body = Tài khoản của bạn hiện được đăng ký trên { $new_device } thay cho { $old_device }, thiết bị này đã bị đăng xuất. Nếu không phải bạn thực hiện, hãy đổi mật khẩu ngay và liên hệ quản trị viên studio.
mail-device_swapped_admin-subject = Một thành viên đã thay thiết bị đã đăng ký
mail-device_swapped_admin-body = { $member } đã thay thiết bị đã đăng ký { $old_device } bằng { $new_device } cho { $studio }, sau khi xác nhận mã gửi đến thông tin liên hệ đã xác minh. Nếu thấy bất thường, hãy kiểm tra các thiết bị của thành viên trên trang thành viên.
mail-device_swapped_admin-action = Mở trang thành viên
