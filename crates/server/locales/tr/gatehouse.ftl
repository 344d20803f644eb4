# Gatehouse hosted pages: Turkish (Türkçe).

language-name = Türkçe
language-switcher = Dil
skip-to-content = İçeriğe geç

## Sign-in
login-title = Giriş yap
login-subtitle-client = { $client } uygulamasına devam etmek için
login-subtitle = Hesabınıza giriş yapın
login-password = Şifre
login-remember-me = Beni hatırla
login-remember-me-hint = Bu cihazda oturumunuz açık kalır. Ortak kullanılan bir bilgisayarda bu seçeneği kullanmayın.
login-submit = Giriş yap
login-error-invalid = E-posta adresi veya şifre hatalı.
login-error-missing = E-posta adresinizi ve şifrenizi girin.
login-error-throttled = Çok fazla deneme yapıldı. Lütfen { $seconds } saniye bekleyip tekrar deneyin.
login-switch-account = Siz değil misiniz? Başka bir hesap kullanın.

## Account selection
select-title = Bir hesap seçin
select-subtitle = { $client } uygulamasına devam etmek için
select-continue = { $email } olarak devam et
select-other = Başka bir hesap kullan

## Consent
consent-title = { $client } hesabınıza erişmek istiyor
consent-signed-in-as = { $email } olarak giriş yapıldı
consent-intro = { $client } şu izinleri istiyor:
consent-allow = İzin ver
consent-deny = İptal
consent-footnote = Bu kararınızı daha sonra değiştirebilirsiniz; { $client } yalnızca burada izin verdiğiniz bilgilere erişebilir.
scope-openid = Kimliğinizi doğrulama
scope-profile = Adınızı ve temel profil bilgilerinizi görme
scope-email = E-posta adresinizi görme
scope-phone = Telefon numaranızı görme
scope-offline_access = Siz kullanmıyorken de hesabınıza bağlı kalma
scope-other = “{ $scope }” iznini kullanma

## Sign-out
logout-title = Çıkış yap
logout-question = { $product } oturumunuzu kapatmak istiyor musunuz?
logout-confirm = Çıkış yap
logout-cancel = Oturumu açık tut
logged-out-title = Çıkış yaptınız
logged-out-body = { $product } oturumunuz kapatıldı. Bu pencereyi kapatabilirsiniz.

## Signed-in landing page
home-title = Hesabınız
home-signed-in-as = { $email } olarak giriş yaptınız.
home-signed-out = Şu anda giriş yapmış değilsiniz.
home-sign-in = Giriş yap
home-sign-out = Çıkış yap

## Errors
error-title = Bir sorun oluştu
error-heading-request = Bu istek tamamlanamıyor
error-what-now = Geldiğiniz uygulamaya dönüp tekrar deneyin. Sorun devam ederse uygulamanın destek ekibiyle iletişime geçin.
error-missing-client-id = İstekte, giriş yapmanızı isteyen uygulama belirtilmemiş.
error-unknown-client = Sizi buraya yönlendiren uygulama { $product } sisteminde kayıtlı değil.
error-missing-redirect-uri = İstekte, giriş yaptıktan sonra nereye dönüleceği belirtilmemiş.
error-unregistered-redirect-uri = İstekteki dönüş adresi bu uygulama için kayıtlı olmadığından sizi bu adrese yönlendirmeyeceğiz.
error-duplicated-parameter = İstekte bir parametre birden fazla kez yer aldığı için isteğe güvenilemez.
error-invalid-request-object = Uygulama, doğrulanamayan imzalı bir oturum açma isteği gönderdi. Uygulamaya dönüp yeniden deneyin.
error-csrf = Bu formun süresi dolmuş veya form başka bir sayfadan gönderilmiş. Geri dönün, sayfayı yenileyin ve tekrar deneyin.
error-flow-expired = Bu giriş isteğinin süresi dolmuş veya istek zaten tamamlanmış. Uygulamaya dönüp yeniden başlayın.
error-internal = Sistemimizde beklenmeyen bir hata oluştu. Lütfen biraz sonra tekrar deneyin.
error-unavailable = Oturum açma kısa bir süreliğine kullanılamıyor. Lütfen biraz sonra tekrar deneyin.
error-not-found = Bu sayfa mevcut değil.
error-bad-request = İstek geçerli değil.
error-logout-redirect = Çıkış yaptıktan sonra dönülecek adres bu uygulama için kayıtlı değil.
error-logout-hint = Çıkış isteği, doğrulayamadığımız bir girişe atıfta bulunuyor.
error-rate-limited = Çok fazla istek gönderildi. Lütfen biraz bekleyip tekrar deneyin.

## Sign-in names, studios and devices
login-error-malformed = E-posta adresinizi ya da kullanıcı adınızı ve lisans numaranızı kullanıcıadı@lisans biçiminde girin.
login-error-unknown-studio = Bu adda bir büro veya lisans bulunamadı. @ işaretinden sonraki kısmı kontrol edin.
studio-picker-title = Bir büro seçin
studio-picker-subtitle = { $email } birden fazla büroya bağlı. { $client } ile hangisini kullanmak istiyorsunuz?
studio-current = geçerli
error-studio-unknown = Uygulama, mevcut olmayan bir büro istedi.
error-studio-not-member = Hesabınız, bu girişin yapıldığı büronun üyesi değil. Büro yöneticisinden sizi eklemesini isteyin veya başka bir hesapla giriş yapın.
error-studio-none = Hesabınız bu uygulamanın kabul ettiği hiçbir büroya bağlı olmadığından uygulamayı kullanamazsınız. Erişim için büronuzun yöneticisine başvurun.
error-studio-fapi = Bu büro yalnızca güvenlik profiline (FAPI 2.0) uyan uygulamalardan girişe izin verir ve bu uygulama uymuyor. Büronuzun onayladığı bir uygulamayı kullanın veya yöneticisine başvurun.
error-device-limit = Hesabınız izin verilen en fazla sayıda cihazda zaten kayıtlı olduğundan bu cihazda kullanılamaz. Büronuzun yöneticisinden veya müşteri desteğinden artık kullanmadığınız bir cihazı kaldırmasını isteyin, ardından tekrar deneyin.
error-not-permitted = Bu işlemi yapma yetkiniz yok.
error-too-large = İstek çok büyük. Yazdıklarınızı kısaltıp tekrar deneyin.

## Account page
account-title = Hesabınız
account-studio = Büro
account-studio-current = Şu anda { $studio } bürosunda çalışıyorsunuz.
account-switch-to = { $studio } bürosuna geç
account-manage-studio = { $studio } bürosunun üyelerini ve cihazlarını yönet
account-devices = Cihazlar
account-this-device = bu cihaz
account-last-seen = Son kullanım: { $when }
account-remove = Kaldır
account-sessions = Oturumlar
account-this-session = bu oturum
account-started = Giriş: { $when }
account-end-session = Sonlandır
account-change-password = Şifreyi değiştir
account-current-password = Mevcut şifre
account-new-password = Yeni şifre
account-confirm-password = Yeni şifre (tekrar)
account-notice-device-removed = Cihaz kaldırıldı ve cihazdaki tüm oturumlar kapatıldı.
account-notice-session-ended = Oturum sonlandırıldı.
account-notice-studio-switched = Artık başka bir büroda çalışıyorsunuz.
account-notice-password-changed = Şifreniz değiştirildi. Diğer oturumlarınız ve uygulamalardaki oturumlarınız kapatıldı.
account-error-current-password = Mevcut şifre hatalı.
account-error-password-mismatch = Yeni şifreler eşleşmiyor.
members-title = { $studio } bürosunun üyeleri
members-subtitle = Bir üyenin artık kullanmadığı cihazı kaldırın; cihazdaki oturum hemen kapatılır.
members-roles = Roller: { $roles }
members-no-devices = Kayıtlı cihaz yok.
members-back = Hesabınıza dönün
home-account = Hesabınız

## Sign-in links and account states
login-identifier = E-posta veya kullanıcıadı@lisans
login-forgot-password = Şifrenizi mi unuttunuz?
login-forgot-username = Kullanıcı adınızı mı unuttunuz?
login-register = Hesap oluştur
login-error-unconfirmed = Önce e-posta adresinizi doğrulayın: kayıt olurken size gönderdiğimiz bağlantıyı açın.
login-error-awaiting-approval = Kaydınız büro yöneticisinin onayını bekliyor. Onaylandığında size e-posta ile bilgi vereceğiz.

## Form fields
field-name = Ad soyad
field-email = E-posta
field-phone = Telefon numarası
field-phone-optional = Telefon numarası (isteğe bağlı)
field-phone-hint = Uluslararası biçimde, örneğin +358 40 123 4567.
field-country = Ülke
field-city = Şehir
field-company = Şirket
field-job-title = İş unvanı
field-trade-name = Ticari ad
field-date-of-birth = Doğum tarihi
field-error-required = Lütfen bu alanı doldurun: { $field }.
field-error-too-long = Bu alan çok uzun: { $field }.
field-error-invalid = Bu alan izin verilmeyen karakterler içeriyor: { $field }.
field-error-email = Geçerli bir e-posta adresi girin, örneğin ad@example.com.
field-error-phone = Telefon numarasını uluslararası biçimde girin, örneğin +358 40 123 4567.
field-error-date = Doğum tarihini YYYY-AA-GG biçiminde girin.
field-error-password-mismatch = Girdiğiniz iki şifre eşleşmiyor.

## Password rules
password-rules-summary = En az { $min } karakter.
password-rule-too-short = Şifre en az { $min } karakter olmalıdır.
password-rule-too-long = Şifre en fazla { $max } karakter olabilir.
password-rule-lowercase = Şifre en az bir küçük harf içermelidir.
password-rule-uppercase = Şifre en az bir büyük harf içermelidir.
password-rule-digit = Şifre en az bir rakam içermelidir.
password-rule-symbol = Şifre, ! veya # gibi en az bir özel karakter içermelidir.
password-rule-personal = Şifre, adınızı veya e-posta adresinizi içermemelidir.
password-rule-common = Bu şifre çok yaygın ve kolay tahmin edilebilir. Başka bir şifre seçin.
password-rule-reused = Bu şifreyi yakın zamanda kullandınız. Son { $count } şifrenizden farklı bir şifre seçin.

## Registration
register-title = Hesap oluştur
register-subtitle = Bilgilerinizi girin. E-posta adresiniz kullanıcı adınız olacaktır.
register-subtitle-studio = { $studio } için hesabınızı oluşturun. E-posta adresiniz kullanıcı adınız olacaktır.
register-email-hint = Bu adrese bir doğrulama bağlantısı göndereceğiz.
register-submit = Hesap oluştur
register-have-account = Zaten hesabınız var mı? Giriş yapın.
register-closed = Burada kayıt yapılamıyor. Sizi davet eden kuruluştan bir hesap isteyin.
register-check-email-title = E-postanızı kontrol edin
register-check-email-body = { $email } adresine bir mesaj gönderdik. Adresinizi doğrulamak ve hesabınızı oluşturmayı tamamlamak için mesajdaki bağlantıyı açın. Mesajı göremiyorsanız istenmeyen e-posta (spam) klasörünüzü kontrol edin.
register-confirmed-title = E-posta adresiniz doğrulandı
register-confirmed-body = Hesabınız hazır. Artık giriş yapabilirsiniz.
register-awaiting-title = E-posta adresiniz doğrulandı
register-awaiting-body = Kaydınız şimdi büro yöneticisinin onayını bekliyor. Onaylanır onaylanmaz size e-posta ile bilgi vereceğiz.
register-confirm-title = E-posta adresinizi doğrulayın
register-confirm-intro = E-posta adresinizi doğrulamak ve hesabınızı oluşturmayı tamamlamak için düğmeye basın.
register-confirm-submit = E-posta adresimi doğrula
link-invalid-title = Bu bağlantı artık geçerli değil
link-invalid-body = Bağlantı daha önce kullanılmış veya süresi dolmuş. Yeni bir bağlantı almak için işlemi yeniden başlatın.

## Activation
activate-title = Hesabınızı etkinleştirin
activate-intro = Hesabınızı etkinleştirmek için bir şifre belirleyin. Ayrıca e-posta adresinizi düzeltebilir ve şifre kurtarma için bir telefon numarası ekleyebilirsiniz.
activate-username = Kullanıcı adınız: { $username }
activate-email-hint = Adresi değiştirirseniz doğrulamak için yeni adrese bir kod göndereceğiz.
activate-submit = Hesabı etkinleştir
activate-done-title = Hesabınız etkinleştirildi
activate-done-body = Artık kullanıcı adınız ve yeni şifrenizle giriş yapabilirsiniz.
activate-done-confirm-email = { $email } adresine bir kod gönderdik. Yeni adresi doğrulamak için giriş yapın ve kodu hesap sayfanıza girin.

## Forgotten password and user name
forgot-password-title = Şifrenizi sıfırlayın
forgot-password-intro = E-posta adresinizi ya da kullanıcı adınızı ve lisansınızı kullanıcıadı@lisans biçiminde girin, ardından sıfırlama kodunu nasıl almak istediğinizi seçin.
forgot-password-identifier = E-posta veya kullanıcıadı@lisans
forgot-password-channel = Kod gönderim yöntemi
forgot-password-by-email = E-posta
forgot-password-by-sms = Kısa mesaj (SMS)
forgot-password-submit = Gönder
forgot-spam-hint = Mesajı almazsanız istenmeyen e-posta (spam) klasörünüzü kontrol edin.
forgot-password-code-title = Kodu girin
forgot-password-code-intro-email = Eşleşen bir hesap varsa, hesabın e-posta adresine altı haneli bir kod ve bir sıfırlama bağlantısı gönderdik. Kodu buraya girin veya bağlantıyı açın.
forgot-password-code-intro-sms = Eşleşen bir hesap varsa ve bu hesabın doğrulanmış bir telefon numarası bulunuyorsa, bu numaraya kısa mesajla altı haneli bir kod gönderdik.
reset-title = Yeni bir şifre belirleyin
reset-intro = Yeni şifreniz, telefonunuzdaki uygulamalar dahil tüm oturumlarınızı kapatır.
reset-submit = Şifreyi değiştir
reset-done-title = Şifreniz değiştirildi
reset-done-body = Tüm oturumlarınız kapatıldı. Yeni şifrenizle giriş yapın.
forgot-username-title = Kullanıcı adınızı mı unuttunuz?
forgot-username-intro = Hesabınıza bağlı e-posta adresini veya telefon numarasını girin; kullanıcı adlarınızı size gönderelim.
forgot-username-contact = E-posta veya telefon numarası
forgot-username-sent-title = Mesajlarınızı kontrol edin
forgot-username-sent-body = Bu e-posta adresi veya telefon numarası bir hesaba bağlıysa, kullanıcı adlarını ilgili adrese veya numaraya gönderdik.

## Codes
code-label = Kod
code-submit = Onayla
code-start-over = Yeni kod gönder
code-error-wrong = Kod hatalı. Kontrol edip tekrar deneyin.
code-error-expired = Kodun süresi dolmuş veya kod daha önce kullanılmış. Yeni bir kod isteyin.
code-error-too-many = Çok fazla hatalı kod girildi. Yeni bir kod isteyin.
code-error-too-many-sent = Son zamanlarda bu adrese çok fazla kod gönderildi. Bir saat sonra tekrar deneyin.
code-error-too-many-today = Bugün çok fazla kod istediniz. Yarın tekrar deneyin.

## Account page additions
account-profile = Profil
account-save = Kaydet
account-unverified = doğrulanmadı
account-no-phone = Henüz telefon numarası eklenmedi.
account-new-email = Yeni e-posta adresi
account-new-phone = Yeni telefon numarası
account-send-code = Doğrulama kodu gönder
account-language = Dil
account-email-code-title = Yeni e-posta adresinizi doğrulayın
account-email-code-intro = Yeni adrese altı haneli bir kod gönderdik. Kodu girdiğinizde değişiklik geçerli olur.
account-phone-code-title = Telefon numaranızı doğrulayın
account-phone-code-intro = Telefon numaranıza kısa mesajla altı haneli bir kod gönderdik.
account-notice-profile-saved = Profiliniz kaydedildi.
account-notice-email-changed = E-posta adresiniz değiştirildi.
account-notice-phone-changed = Telefon numaranız doğrulandı.
account-notice-language-saved = Dil tercihiniz kaydedildi.
account-notice-code-sent = Bir doğrulama kodu gönderdik. Değişikliği tamamlamak için kodu aşağıya girin.
account-pending-code = Şu adrese veya numaraya gönderdiğimiz kodu girin: { $target }

## Expired password
expired-title = Şifrenizin süresi doldu
expired-intro = Kuruluşunuz şifrenizin belirli aralıklarla yenilenmesini istiyor. Devam etmek için yeni bir şifre belirleyin.

## Closing and reopening
close-title = Hesabımı kapat
close-warning = Hesabınızı kapattığınızda tüm oturumlarınız kapatılır ve tüm uygulamaların bağlantısı kesilir. { $days } gün içinde tekrar giriş yaparsanız hesabınız yeniden açılır. Bu sürenin sonunda tüm verileriniz kalıcı olarak silinir ve geri getirilemez.
close-acknowledge = Yukarıdaki uyarıları dikkatle okudum ve kabul ediyorum.
close-submit = Hesabımı ve tüm verilerimi sil
close-error-acknowledge = Uyarıları okuduğunuzu onaylamak için kutuyu işaretleyin.
closed-title = Hesabınız kapatıldı
closed-body = Hesabınız kapatıldı ve oturumunuz sonlandırıldı. { $days } gün içinde giriş yaparak hesabınızı yeniden açabilirsiniz.
reactivate-title = Hesabınız yeniden açılsın mı?
reactivate-body = Hesabınız kapalı ve { $date } tarihinde kalıcı olarak silinecek. Hesabınızı yeniden açmak istiyor musunuz? Kullandığınız uygulamaları yeniden bağlamanız gerekecek.
reactivate-confirm = Hesabımı yeniden aç
reactivate-cancel = Kapalı kalsın

## Studio admin: approvals
members-pending = Onay bekliyor
members-approve = Onayla
members-notice-approved = Kayıt onaylandı ve kullanıcıya bilgi verildi.

## Two-step verification
factor-totp = Kimlik doğrulama uygulaması
factor-passkey = Geçiş anahtarı
factor-email_otp = E-posta ile kod
factor-sms_otp = Kısa mesajla kod
factor-recovery_code = Kurtarma kodu
mfa-title = İki adımlı doğrulama
mfa-subtitle = Şifreniz doğru. Şimdi ikinci adımla kimliğinizi doğrulayın.
mfa-subtitle-step-up = Bu uygulama, ikinci adımla kimliğinizi doğrulamanızı istiyor.
mfa-label-totp = Kimlik doğrulama uygulamanızdaki altı haneli kod
mfa-label-recovery = Kurtarma kodlarınızdan biri
mfa-label-sent = Şu adrese veya numaraya gönderdiğimiz altı haneli kod: { $target }
mfa-intro-passkey = Bu cihazdaki geçiş anahtarınızı veya güvenlik anahtarınızı kullanın. Cihazınız parmak izinizi, yüz tanımayı veya PIN kodunuzu isteyebilir.
mfa-use-passkey = Geçiş anahtarımı kullan
mfa-remember-device = Bu cihazda { $days } gün boyunca tekrar sorma
mfa-remember-device-hint = Bu seçeneği yalnızca sizden başka kimsenin kullanmadığı bir cihazda işaretleyin.
mfa-send-again = Yeni kod gönder
mfa-other-methods = Başka bir yöntem kullan
mfa-lost-factor = Doğrulama yönteminize erişemiyor musunuz?
mfa-code-sent = Şu adrese veya numaraya altı haneli bir kod gönderdik: { $target }.
mfa-error-wrong-code = Kod hatalı. Kontrol edip tekrar deneyin.
mfa-error-code-expired = Kodun süresi dolmuş veya kod daha önce kullanılmış. Yeni bir kod gönderilmesini isteyin.
mfa-error-no-target = Kod gönderilebilecek doğrulanmış bir e-posta adresi veya telefon numarası yok.
mfa-error-passkey = Geçiş anahtarı kullanılamadı. Tekrar deneyin veya başka bir yöntem kullanın.
mfa-setup-title = İki adımlı doğrulamayı ayarlayın
mfa-setup-intro = Kuruluşunuz, giriş yaparken ikinci bir adım gerektiriyor. Kimliğinizi nasıl doğrulamak istediğinizi seçin; daha sonra hesap sayfanızdan başka yöntemler de ekleyebilirsiniz.
mfa-help-title = Doğrulama yönteminize erişemiyor musunuz?
mfa-help-intro = Telefonunuzu veya güvenlik anahtarınızı kaybettiyseniz büronuzun yöneticilerinden biri sizin için iki adımlı doğrulamayı kapatabilir. Böylece şifrenizle giriş yapıp iki adımlı doğrulamayı yeniden ayarlayabilirsiniz.
mfa-help-recovery = Kurtarma kodlarınızı sakladıysanız bunun yerine bu kodlardan birini kullanabilirsiniz.
mfa-help-submit = Büromun yöneticilerinden yardım iste
mfa-use-recovery = Kurtarma kodu kullan
mfa-help-sent-title = Talebiniz gönderildi
mfa-help-sent = Hesabınız bir büroya bağlıysa, büronun yöneticilerinden size yardım etmeleri istendi; sizinle iletişime geçecekler. Kendilerinden haber alamazsanız kuruluşunuzun destek ekibiyle iletişime geçin.
mfa-help-back = Giriş sayfasına dön
mfa-none-usable = İki adımlı doğrulama yöntemlerinizin hiçbiri şu anda kullanılamıyor, bu yüzden girişi burada tamamlayamazsınız. Aşağıdan stüdyonuzun yöneticilerinden yardım isteyin veya kuruluşunuzun destek ekibine başvurun.
passkey-unsupported = Bu tarayıcı geçiş anahtarlarını desteklemiyor. Başka bir yöntem veya başka bir tarayıcı kullanın.
login-with-passkey = Geçiş anahtarıyla giriş yap
login-error-passkey = Geçiş anahtarıyla giriş yapılamadı. Tekrar deneyin veya şifrenizle giriş yapın.
totp-title = Kimlik doğrulama uygulamanızı ayarlayın
totp-step-install = Telefonunuza Google Authenticator veya Microsoft Authenticator gibi bir kimlik doğrulama uygulaması yükleyin.
totp-step-scan = Uygulamada bir hesap ekleyin ve bu QR kodunu tarayın.
totp-step-code = Uygulamanın gösterdiği altı haneli kodu girin. İşlemi { $minutes } dakika içinde tamamlayın.
totp-qr-alt = Bu hesabı kimlik doğrulama uygulamanıza eklemek için QR kodu
totp-manual = Kodu tarayamıyor musunuz? Bunun yerine bu anahtarı uygulamaya girin:
totp-open-app = Bu cihazdaki kimlik doğrulama uygulamasında aç
totp-confirm = Etkinleştir
recovery-title = Kurtarma kodları
recovery-intro = Bu kodları güvenli bir yerde saklayın; örneğin yazdırarak veya bir şifre yöneticisinde. İkinci adımınıza erişiminizi kaybederseniz her kodla bir kez giriş yapabilirsiniz.
recovery-once = Kodlar yalnızca şimdi gösterilir. İstediğiniz zaman hesap sayfanızdan yeni kodlar oluşturabilirsiniz.
recovery-continue = Kodlarımı kaydettim
security-title = İki adımlı doğrulama
security-intro = Şifrenizden sonra gelen ikinci bir adım, biri şifrenizi öğrense bile hesabınızı güvende tutar.
security-required = Kuruluşunuz iki adımlı doğrulamayı zorunlu tutuyor. Şimdi bir yöntem ekleyin.
security-locked = Bu ayarları değiştirmek için önce ikinci adımla kimliğinizi doğrulayın.
security-unlock = Kimliğimi doğrula
security-your-factors = Yöntemleriniz
security-none = Henüz iki adımlı doğrulamayı ayarlamadınız.
security-added = Eklenme: { $when }
security-rename = Yeniden adlandır
security-new-name = Yeni ad
security-recovery-left = Kullanılmamış { $count } kurtarma kodunuz kaldı.
security-new-recovery-codes = Yeni kurtarma kodları oluştur
security-add = Yöntem ekle
security-hint-totp = Telefonunuzdaki bir uygulamadan alınan kodlar. Ağ bağlantısı olmadan da çalışır.
security-hint-passkey = Parmak iziniz, yüz tanıma, ekran kilidiniz veya bir güvenlik anahtarı. Şifre olmadan giriş yapmanızı da sağlar.
security-hint-code = Her girişinizde şu adrese veya numaraya gönderilen bir kod: { $target }
security-add-totp = Kimlik doğrulama uygulaması ayarla
security-add-passkey = Geçiş anahtarı oluştur
security-add-code = Doğrulama kodu gönder
security-passkey-name = Geçiş anahtarının adı (isteğe bağlı)
security-passkey-name-example = Örneğin: iş dizüstü bilgisayarı
security-code-setup-intro = Şu adrese veya numaraya altı haneli bir kod gönderdik: { $target }. Bu yöntemi etkinleştirmek için kodu girin.
security-notice-factor-added = Yöntem eklendi.
security-notice-factor-removed = Yöntem kaldırıldı.
security-notice-factor-renamed = Ad kaydedildi.
security-notice-last-required = Kuruluşunuz iki adımlı doğrulamayı zorunlu tuttuğu için son yönteminizi kaldıramazsınız. Önce başka bir yöntem ekleyin.
security-throttled-title = Lütfen biraz bekleyin
security-lapsed-title = Süre doldu
security-lapsed = Ayarlama zamanında tamamlanmadı veya kod daha önce kullanılmış. Yeniden başlayın.
security-start-again = Yeniden başla
security-passkey-refused-title = Geçiş anahtarı eklenmedi
security-passkey-refused = Geçiş anahtarı oluşturulamadı veya zaten kayıtlı. Tekrar deneyin.
security-back = Hesabınıza dönün
account-mfa-on = İki adımlı doğrulama açık.
account-mfa-off = İki adımlı doğrulama kapalı.
account-manage-security = İki adımlı doğrulama ayarları
members-mfa-on = İki adımlı doğrulama açık
members-mfa-off = İki adımlı doğrulama kapalı
members-reset-reason = Neden (denetim kaydına eklenir ve üyeye gönderilir)
members-reset-mfa = İki adımlı doğrulamayı kapat
members-reset-reason-required = Üyenin iki adımlı doğrulamasını neden kapattığınızı belirtin.
members-notice-mfa-reset = İki adımlı doğrulama kapatıldı ve üyeye bilgi verildi.
members-reset-shared-member = Bu üye, iki adımlı doğrulama sıfırlamalarını yalnızca kendi üyelerine izin veren başka bir stüdyoya da bağlı. Bunu kuruluşunuzun yöneticilerinden isteyin.
members-reset-too-many = Bu stüdyo bugün izin verilen sayıda üyenin iki adımlı doğrulamasını zaten kapattı. Yarın tekrar deneyin veya kuruluşunuzun yöneticilerine başvurun.

## E-mail and SMS messages
mail-greeting = Merhaba,
mail-greeting-name = Merhaba { $name },
mail-footer = Bu mesaj { $product } tarafından gönderildi. Bu mesajı beklemiyorsanız dikkate almayabilirsiniz; siz bir işlem yapmadığınız sürece hiçbir şey değişmez.
mail-confirm_registration-subject = E-posta adresinizi doğrulayın
mail-confirm_registration-body = { $product } kaydınız için teşekkür ederiz. Hesabınızı oluşturmayı tamamlamak için e-posta adresinizi doğrulayın. Bağlantı { $days } gün geçerlidir.
mail-confirm_registration-action = E-posta adresimi doğrula
mail-already_registered-subject = Zaten bir hesabınız var
mail-already_registered-body = Birisi { $product } üzerinde bu e-posta adresiyle hesap oluşturmaya veya bu adresi kullanmaya çalıştı, ancak bu adrese ait bir hesap zaten mevcut. Bu işlemi siz yaptıysanız giriş yapın; şifrenizi unuttuysanız sıfırlayın. Siz yapmadıysanız herhangi bir işlem yapmanıza gerek yok.
mail-already_registered-action = Şifremi sıfırla
mail-registration_approved-subject = Kaydınız onaylandı
mail-registration_approved-body = { $studio } bürosuna kaydınız onaylandı. Artık giriş yapabilirsiniz.
mail-registration_approved-action = Giriş yap
mail-activation-subject = Hesabınızı etkinleştirin
mail-activation-body =
    Sizin için bir hesap oluşturuldu. Kullanıcı adınız: { $username }

    Şifrenizi belirlemek için bağlantıyı açın. Aynı sayfada e-posta adresinizi kontrol edebilir ve bir telefon numarası da ekleyebilirsiniz. Bağlantı { $days } gün geçerlidir.
mail-activation-action = Hesabımı etkinleştir
mail-password_reset-subject = Şifrenizi sıfırlayın
mail-password_reset-body =
    Şifrenizi sıfırlamak için bir talep aldık. Bu kodu sıfırlama sayfasına girin veya aşağıdaki bağlantıyı açın. Kod { $minutes } dakika geçerlidir.

    Şifre sıfırlama talebinde bulunmadıysanız bu mesajı dikkate almayın; şifreniz değişmeden kalır.
mail-password_reset-action = Yeni şifre belirle
mail-password_changed-subject = Şifreniz değiştirildi
mail-password_changed-body = Hesabınızın şifresi az önce değiştirildi ve diğer cihazlarınızdaki ve uygulamalarınızdaki oturumlarınız kapatıldı. Bu değişikliği siz yapmadıysanız hemen şifrenizi sıfırlayın ve destek ekibiyle iletişime geçin.
mail-usernames-subject = Kullanıcı adlarınız
mail-usernames-body =
    Bu adrese bağlı kullanıcı adları şunlardır:

    { $usernames }
mail-usernames-action = Giriş yap
mail-email_change_code-subject = Yeni e-posta adresinizi doğrulayın
mail-email_change_code-body = Yeni e-posta adresinizi doğrulamak için bu kodu hesap sayfanıza girin. Kod { $minutes } dakika geçerlidir.
mail-email_changed-subject = E-posta adresiniz değiştirildi
mail-email_changed-body = Hesabınızın e-posta adresi { $email } olarak değiştirildi. Bu değişikliği siz yapmadıysanız 72 saat içinde aşağıdaki düğmeyle geri alın: her yerden çıkış yaptırılırsınız ve ardından yeni bir şifre seçebilirsiniz.
mail-account_closed-subject = Hesabınız kapatıldı
mail-account_closed-body = Hesabınız kapatıldı. { $days } gün içinde tekrar giriş yaparsanız hesabınız yeniden açılır. Bu sürenin sonunda verileriniz kalıcı olarak silinir.
mail-account_reactivated-subject = Hesabınız yeniden açıldı
mail-account_reactivated-body = Tekrar hoş geldiniz. Hesabınız yeniden açıldı. Daha önce kullandığınız uygulamaları yeniden bağlamanız gerekiyor.
sms-password_reset_sms = { $product } şifre sıfırlama kodunuz: { $code }. Kod { $minutes } dakika içinde geçerliliğini yitirir. Kodu kimseyle paylaşmayın.
sms-usernames_sms = { $product } kullanıcı adlarınız: { $usernames }
sms-phone_code = { $product } doğrulama kodunuz: { $code }. Kod { $minutes } dakika içinde geçerliliğini yitirir.
mail-mfa_code-subject = Giriş kodunuz
mail-mfa_code-body = Girişinizi tamamlamak için gereken kod aşağıdadır. Kod { $minutes } dakika geçerlidir. Giriş yapmayı siz denemediyseniz şifreniz başkası tarafından biliniyor olabilir: hemen değiştirin.
mail-mfa_added-subject = Hesabınıza bir giriş yöntemi eklendi
mail-mfa_added-body = Hesabınızın iki adımlı doğrulamasına şu yöntem eklendi: { $factor }. Bu işlemi siz yapmadıysanız hemen şifrenizi değiştirin ve destek ekibiyle iletişime geçin.
mail-mfa_added-action = Giriş yöntemlerini gözden geçir
mail-mfa_removed-subject = Hesabınızdan bir giriş yöntemi kaldırıldı
mail-mfa_removed-body = Hesabınızın iki adımlı doğrulamasından şu yöntem kaldırıldı: { $factor }. Bu işlemi siz yapmadıysanız hemen şifrenizi değiştirin ve destek ekibiyle iletişime geçin.
mail-mfa_removed-action = Giriş yöntemlerini gözden geçir
mail-mfa_reset-subject = İki adımlı doğrulama kapatıldı
mail-mfa_reset-body =
    Bir yönetici, hesabınızın iki adımlı doğrulamasını kapattı. Belirtilen neden: { $reason }

    Şifrenizle giriş yapın ve iki adımlı doğrulamayı yeniden ayarlayın. Bunu siz istemediyseniz hemen destek ekibiyle iletişime geçin.
mail-mfa_reset-action = Yeniden ayarla
mail-mfa_help_request-subject = Bir üye iki adımlı doğrulama için yardım istiyor
mail-mfa_help_request-body = { $member }, { $studio } bürosu için iki adımlı doğrulamayı tamamlayamıyor ve yardım istiyor. Talebin gerçekten bu kişiden geldiğini kontrol edin, ardından üyeler sayfasından kişinin iki adımlı doğrulamasını kapatın; böylece kişi doğrulamayı yeniden ayarlayabilir.
mail-mfa_help_request-action = Üyeler sayfasını aç
mail-recovery_code_used-subject = Bir kurtarma kodu kullanıldı
mail-recovery_code_used-body = Hesabınıza giriş yapmak için az önce bir kurtarma kodu kullanıldı. Kullanılmamış { $remaining } kodunuz kaldı. Bu işlemi siz yapmadıysanız hemen şifrenizi değiştirin ve destek ekibiyle iletişime geçin.
mail-recovery_code_used-action = Giriş yöntemlerini gözden geçir
mail-email_changed-action = Bu değişikliği geri al
mail-phone_changed-subject = Telefon numaranız değiştirildi
mail-phone_changed-body = Hesabınızın telefon numarası { $phone } olarak değiştirildi. Bu değişikliği siz yapmadıysanız hemen şifrenizi değiştirin ve destek ekibiyle iletişime geçin.
mail-mfa_reset_elsewhere-subject = Bir üyenin iki adımlı doğrulaması kapatıldı
mail-mfa_reset_elsewhere-body = { $acting_studio } stüdyosunun bir yöneticisi, aynı zamanda { $studio } üyesi olan { $member } için iki adımlı doğrulamayı kapattı. Belirtilen neden: { $reason }. Bu beklenmiyorsa üyeyle kontrol edin.
mail-registration_rejected-subject = Kaydınız onaylanmadı
mail-registration_rejected-body = { $studio } kaydınız onaylanmadı ve başlattığınız hesap silindi. Bunun bir hata olduğunu düşünüyorsanız stüdyoyla iletişime geçin.
sms-mfa_code_sms = { $product } giriş kodunuz: { $code }. Kod { $minutes } dakika içinde geçerliliğini yitirir. Kodu kimseyle paylaşmayın.
sms-error-budget = Şu anda SMS gönderemiyoruz. Bir saat sonra tekrar deneyin veya e-postayı kullanın.
email-undo-title = E-posta adresi değişikliğini geri alın
email-undo-intro = Hesabınızın e-posta adresi bu adresten başka bir adrese değiştirildi. Bunu siz yapmadıysanız geri alın: her yerden çıkış yaptırılırsınız ve ardından yeni bir şifre seçebilirsiniz.
email-undo-submit = Geri al
email-undo-done-title = E-posta adresiniz geri alındı
email-undo-done-body = Hesabınız yeniden { $email } adresini kullanıyor ve tüm oturumlar ile uygulamalardan çıkış yapıldı. Değişikliği siz yapmadıysanız şimdi yeni bir şifre seçin.
reauth-title = Siz olduğunuzu doğrulayın
reauth-intro = Bu değişiklik hesabınızı korur; bu yüzden önce gerçekten siz olduğunuzu doğrulamamız gerekiyor.
reauth-password = Şifreniz
reauth-submit = Devam et
reauth-code = Ya da kimlik doğrulama uygulamanızdaki altı haneli kod
reauth-submit-code = Kodla devam et
reauth-cancel = İptal
reauth-pending-email = Ardından { $email } adresine bir kod göndereceğiz.
reauth-pending-phone = Ardından { $phone } numarasına bir kod göndereceğiz.
login-or = veya
login-providers = Diğer giriş yolları
login-with-provider = { $provider } ile devam et
login-subtitle-studio = { $studio } için giriş yapın
upstream-error-title = Giriş tamamlanamadı
upstream-error-unknown = Bu giriş yolu kullanılamıyor.
upstream-error-not-allowed = Bu giriş yolu bu stüdyo için sunulmuyor.
upstream-error-expired = Bu girişin süresi doldu veya zaten kullanıldı. Giriş sayfasından yeniden başlayın.
upstream-error-denied = Giriş sağlayıcıda iptal edildi veya sağlayıcı erişimi reddetti.
upstream-error-unavailable = Sağlayıcıya ulaşılamadı veya isteğimizi kabul etmedi. Biraz sonra yeniden deneyin veya başka bir yolla giriş yapın.
upstream-error-invalid = Sağlayıcının yanıtı güvenlik denetimlerimizden geçemediği için kabul edilmedi. Giriş sayfasından yeniden başlayın.
upstream-error-unverified = Sağlayıcı e-posta adresinizi doğrulamamış. Adresinizi sağlayıcıda doğrulayın veya parolanızla giriş yapın.
upstream-error-no-account = Bu e-posta adresini kullanan bir hesap yok ve burada bu yolla yeni hesap açılamıyor. Önce kaydolun veya stüdyonuzun yöneticisine başvurun.
upstream-error-unusable = Bu hesapla şu anda giriş yapılamıyor.
upstream-back-to-login = Girişe dön
upstream-link-title = { $provider } girişinizi bağlayın
upstream-link-intro = { $email } adresiyle bir hesap zaten var. Bundan sonra { $provider } ile giriş yapabilmek için hesabın size ait olduğunu doğrulayın.
upstream-link-password = Gatehouse parolanız
upstream-link-send-code = Bunun yerine bana e-postayla kod gönder
upstream-link-code-sent = { $email } adresine bir kod gönderdik.
upstream-link-code = E-postadaki kod
upstream-link-confirm = Bağla ve giriş yap
upstream-link-wrong-password = Parola doğru değil.
account-linked-providers = Bağlı giriş sağlayıcıları
account-linked-since = Bağlanma: { $when }
account-unlink = Bağlantıyı kaldır
account-no-linked-providers = Hesabınıza bağlı bir giriş sağlayıcısı yok.
account-notice-provider-unlinked = Sağlayıcı artık hesabınıza bağlı değil.
account-error-last-way-in = Bu, giriş yapabildiğiniz tek yol. Bağlantıyı kaldırmadan önce bir parola belirleyin veya bir geçiş anahtarı ekleyin.
mail-upstream_link-subject = { $provider } bağlama kodunuz
mail-upstream_link-body = Birisi, umarız sizsiniz, hesabınıza { $provider } ile giriş yapmak istedi. Bağlamak için aşağıdaki kodu girin; kod { $minutes } dakika geçerlidir. Bu siz değilseniz bu iletiyi yok sayın: kod olmadan hiçbir şey değişmez.
scope-address = Şehrinizi ve ülkenizi görmek
scope-gatehouse-profile = Şirketinizi, ticari unvanınızı ve görev unvanınızı görmek
account-connected-apps = Bağlı uygulamalar
account-app-since = Bağlanma { $since } · son kullanım { $used }
account-disconnect = Erişimi kaldır
account-no-connected-apps = Hesabınıza erişimi olan bir uygulama yok.
account-notice-app-disconnected = Uygulamanın artık hesabınıza erişimi yok. Sizden yeniden giriş yapmanızı isteyecek.
login-returned-password-changed = Parolanız değiştirildi ve her yerde oturumunuz kapatıldı. Devam etmek için yeni parolanızla oturum açın.
login-returned-registered = E-posta adresiniz doğrulandı ve hesabınız hazır. Devam etmek için oturum açın.
login-returned-usernames-sent = Bu e-posta adresi veya telefon numarası bir hesaba bağlıysa kullanıcı adlarını oraya gönderdik. Devam etmek için oturum açın.
device-swap-title = Bunun yerine bu cihaz kullanılsın mı?
device-swap-intro = Hesabınız izin verilen sayıda cihaza zaten kayıtlı. En uzun süredir kullanmadığınız cihazı bu cihazla değiştirebilirsiniz.
device-swap-last-used = Son kullanım { $time }
device-swap-replaced = Değiştirilecek
device-swap-consequence = Değiştirilen cihazın oturumu hemen kapatılır ve uygulamaları erişimini kaybeder. Sizin olduğunuzdan emin olmak için doğrulanmış e-posta adresinize veya telefonunuza bir kod göndeririz. Bir hesap bu şekilde ayda { $count } kez cihaz değiştirebilir.
device-swap-channel = Kodu gönder
device-swap-by-email = E-posta ile { $target } adresine
device-swap-by-sms = SMS ile { $target } numarasına
device-swap-send = Kodu gönder
device-swap-resend = Yeni kod gönder
device-swap-code-intro = { $target } adresine bir kod gönderdik. Cihazı değiştirmek için kodu girin.
device-swap-submit = Cihazı değiştir ve oturum aç
device-swap-no-target = Hesabınızda kod gönderilebilecek doğrulanmış bir e-posta adresi veya telefon yok. Artık kullanmadığınız bir cihazı kaldırması için stüdyonuzun yöneticisine veya müşteri desteğine başvurun.
device-swap-monthly-limit = Bu hesap bu ay zaten { $count } kez cihaz değiştirdi. Artık kullanmadığınız bir cihazı kaldırması için stüdyonuzun yöneticisine veya müşteri desteğine başvurun.
mail-device_swap_code-subject = Cihaz değiştirme kodunuz
mail-device_swap_code-body = Parolanızı bilen biri, hesabınızı daha önce kaydettiğiniz bir cihazın yerine yeni bir cihazda kullanmak istiyor. Bu sizseniz aşağıdaki kodu girin; kod { $minutes } dakika geçerlidir. Siz değilseniz kodu kimseyle paylaşmayın ve parolanızı hemen değiştirin.
sms-device_swap_code_sms = { $product } cihaz değiştirme kodunuz { $code }. { $minutes } dakika içinde geçerliliğini yitirir. Kimseyle paylaşmayın.
mail-device_swapped-subject = Hesabınızdaki bir cihaz değiştirildi
mail-device_swapped-body = Hesabınız artık { $old_device } yerine { $new_device } cihazına kayıtlı; eski cihazın oturumu kapatıldı. Bunu siz yapmadıysanız parolanızı hemen değiştirin ve stüdyonuzun yöneticisine başvurun.
mail-device_swapped_admin-subject = Bir üye kayıtlı bir cihazı değiştirdi
mail-device_swapped_admin-body = { $member }, { $studio } için kayıtlı { $old_device } cihazını, doğrulanmış iletişim bilgilerine gönderilen bir kodu onayladıktan sonra { $new_device } ile değiştirdi. Bir terslik görüyorsanız üyeler sayfasında üyenin cihazlarını kontrol edin.
mail-device_swapped_admin-action = Üyeler sayfasını aç
